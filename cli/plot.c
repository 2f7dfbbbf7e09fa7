// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * agictl metrics plot: the aggregator's cycle records (the module's ring,
 * or a saved `agictl -j metrics`) drawn with gnuplot: latency, jitter and
 * misses per cycle, one panel each, into a PNG or an SVG. The numbers go
 * to gnuplot as a tab-separated data file (kept with --data) so that what
 * was drawn can be checked.
 */
#include <errno.h>
#include <jansson.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "user/metrics.h"
#include "agictl.h"

#define PLOT_LAST_MAX 1000000
#define PLOT_SIZE_MAX 10000
#define MISS_WINDOW 20

extern char **environ;

struct plot_point {
	u64 cycle, latency_us, jitter_us;
	bool missed;
};

struct plot_opts {
	const char *out, *input, *data;
	u64 last;
	u32 width, height;
	bool svg;
};

struct points {
	struct plot_point *p;
	size_t n, cap;
};

static int keep_point(const struct agi_cycle *c, void *data)
{
	struct points *l = data;
	struct plot_point *grown;

	grown = agi_grow_rows(l->p, l->n, &l->cap, sizeof(*grown), 256);
	if (!grown)
		return -ENOMEM;
	l->p = grown;
	l->p[l->n++] = (struct plot_point){ c->cycle, c->latency_us,
					    c->jitter_us, c->missed };
	return 0;
}

static void plot_usage(void)
{
	printf("Usage: agictl metrics plot --out FILE.png|FILE.svg [ --last N ]\n"
	       "                           [ --input FILE.json ] [ --data FILE ]\n"
	       "                           [ --size WIDTHxHEIGHT ]\n"
	       "Draws the aggregator's last cycles (at most 1024) with gnuplot:\n"
	       "latency and jitter in ms, and the missed cycles with the miss\n"
	       "rate over the last %d cycles, one panel each, against the cycle\n"
	       "id. The format follows the name of --out; the size is in pixels\n"
	       "(default 1200x900, 100..%d each).\n"
	       "--last N      only the newest N cycles\n"
	       "--input FILE  the records saved by \"agictl -j metrics > FILE\"\n"
	       "              instead of the module's (no module needed)\n"
	       "--data FILE   keep the data gnuplot drew, tab-separated:\n"
	       "              cycle latency_ms jitter_ms missed(0|1) miss_rate\n"
	       "gnuplot comes from $GNUPLOT, else \"gnuplot\" on the PATH\n"
	       "(Debian: gnuplot-nox).\n", MISS_WINDOW, PLOT_SIZE_MAX);
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n > t && !strcmp(s + n - t, tail);
}

static int parse_size(const char *s, u32 *w, u32 *h)
{
	char extra;
	unsigned int a, b;

	if (sscanf(s, "%5ux%5u%c", &a, &b, &extra) != 2 || a < 100 ||
	    b < 100 || a > PLOT_SIZE_MAX || b > PLOT_SIZE_MAX)
		return agictl_usage_error("invalid size \"%s\" (expected WIDTHxHEIGHT, each 100..%d)",
					  s, PLOT_SIZE_MAX);
	*w = a;
	*h = b;
	return AGICTL_OK;
}

static int parse_plot(int argc, char **argv, struct plot_opts *o)
{
	int i, ret;

	for (i = 0; i < argc; i++) {
		const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(opt, "--out") && strcmp(opt, "--last") &&
		    strcmp(opt, "--input") && strcmp(opt, "--data") &&
		    strcmp(opt, "--size"))
			return agictl_usage_error("unknown plot argument \"%s\", try \"agictl metrics plot help\".",
						  opt);
		if (!val)
			return agictl_usage_error("\"%s\" needs a value", opt);
		i++;
		if (!strcmp(opt, "--out")) {
			o->out = val;
		} else if (!strcmp(opt, "--input")) {
			o->input = val;
		} else if (!strcmp(opt, "--data")) {
			o->data = val;
		} else if (!strcmp(opt, "--size")) {
			ret = parse_size(val, &o->width, &o->height);
			if (ret)
				return ret;
		} else if (agi_parse_u64(val, PLOT_LAST_MAX, &o->last) ||
			   !o->last) {
			return agictl_usage_error("invalid count \"%s\" (expected 1..%d)",
						  val, PLOT_LAST_MAX);
		}
	}
	if (!o->out)
		return agictl_usage_error("plot needs --out FILE.png or FILE.svg");
	if (ends_with(o->out, ".svg"))
		o->svg = true;
	else if (!ends_with(o->out, ".png"))
		return agictl_usage_error("invalid output \"%s\" (expected a name ending in .png or .svg)",
					  o->out);
	if (agi_print_is_json())
		return agictl_usage_error("metrics plot draws an image: -j does not apply");
	return AGICTL_OK;
}

/* One record of `agictl -j metrics`; -EINVAL when a field is missing. */
static int json_point(json_t *o, struct plot_point *p)
{
	json_t *c = json_object_get(o, "cycle");
	json_t *l = json_object_get(o, "latency_us");
	json_t *j = json_object_get(o, "jitter_us");
	json_t *s = json_object_get(o, "status");

	if (!json_is_integer(c) || !json_is_integer(l) || !json_is_integer(j) ||
	    !json_is_string(s) || json_integer_value(c) < 0 ||
	    json_integer_value(l) < 0 || json_integer_value(j) < 0)
		return -EINVAL;
	p->cycle = (u64)json_integer_value(c);
	p->latency_us = (u64)json_integer_value(l);
	p->jitter_us = (u64)json_integer_value(j);
	p->missed = !strcmp(json_string_value(s), "missed");
	return 0;
}

static int read_input(const char *file, struct points *l)
{
	json_error_t jerr;
	json_t *root = json_load_file(file, 0, &jerr), *v;
	size_t i;
	int ret = AGICTL_OK;

	if (!root)
		return agictl_fail("reading %s failed: line %d: %s", file,
				   jerr.line, jerr.text);
	if (!json_is_array(root)) {
		ret = agictl_fail("reading %s failed: not the array \"agictl -j metrics\" prints",
				  file);
		goto out;
	}
	json_array_foreach(root, i, v) {
		struct plot_point p;

		if (json_point(v, &p)) {
			ret = agictl_fail("reading %s failed: record %zu lacks cycle, status, latency_us or jitter_us",
					  file, i);
			goto out;
		}
		if (l->n == l->cap) {
			struct plot_point *grown = agi_grow_rows(l->p, l->n, &l->cap,
								 sizeof(*grown), 256);

			if (!grown) {
				ret = agictl_fail("reading %s failed: %s", file,
						  strerror(ENOMEM));
				goto out;
			}
			l->p = grown;
		}
		l->p[l->n++] = p;
	}
out:
	json_decref(root);
	return ret;
}

/* Microseconds as milliseconds with three decimals, exactly. */
static void ms(FILE *f, u64 us)
{
	fprintf(f, "%llu.%03llu", (unsigned long long)(us / 1000),
		(unsigned long long)(us % 1000));
}

static int write_data(const char *path, const struct plot_point *p, size_t n)
{
	FILE *f = fopen(path, "we");
	size_t i, k, missed = 0;

	if (!f)
		return -errno;
	fputs("# cycle\tlatency_ms\tjitter_ms\tmissed\tmiss_rate\n", f);
	for (i = 0; i < n; i++) {
		missed += p[i].missed;
		if (i >= MISS_WINDOW)
			missed -= p[i - MISS_WINDOW].missed;
		k = i + 1 < MISS_WINDOW ? i + 1 : MISS_WINDOW;
		fprintf(f, "%llu\t", (unsigned long long)p[i].cycle);
		ms(f, p[i].latency_us);
		fputc('\t', f);
		ms(f, p[i].jitter_us);
		/* the rate in percent, 2 decimals, rounded half up */
		fprintf(f, "\t%d\t%zu.%02zu\n", p[i].missed,
			(missed * 10000 + k / 2) / k / 100,
			(missed * 10000 + k / 2) / k % 100);
	}
	if (fclose(f))
		return -errno;
	return 0;
}

/* A gnuplot string: single quotes, doubled inside. */
static void gp_string(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputc('\'', f);
		fputc(*s, f);
	}
	fputc('\'', f);
}

static int write_script(const char *path, const struct plot_opts *o,
			const char *data, size_t n, u64 first, u64 last)
{
	FILE *f = fopen(path, "we");

	if (!f)
		return -errno;
	fprintf(f, "set terminal %s size %u,%u\n",
		o->svg ? "svg dynamic background rgb 'white'" : "pngcairo",
		o->width, o->height);
	fputs("set output ", f);
	gp_string(f, o->out);
	fputs("\nset datafile separator '\\t'\n"
	      "set multiplot layout 3,1\n"
	      "set grid\nset key top left opaque\nset lmargin 12\nset rmargin 12\n", f);
	fprintf(f, "set xrange [%llu:%llu]\n", (unsigned long long)first,
		(unsigned long long)last);
	fprintf(f, "set title 'AGISWARM: %zu cycles'\n", n);
	fputs("set ylabel 'latency (ms)'\nset yrange [0:*]\n", f);
	fputs("plot ", f);
	gp_string(f, data);
	fputs(" using 1:2 with lines lw 1.5 lc rgb '#1f77b4' title 'latency'\n"
	      "unset title\nset ylabel 'jitter (ms)'\n"
	      "plot ", f);
	gp_string(f, data);
	fputs(" using 1:3 with lines lw 1.5 lc rgb '#ff7f0e' title 'jitter'\n"
	      "set xlabel 'cycle'\nset ylabel 'missed'\nset y2label 'miss rate (%)'\n"
	      "set yrange [0:1.2]\nset ytics 0,1,1\nset y2range [0:120]\n"
	      "set y2tics 0,25,100\n"
	      "plot ", f);
	gp_string(f, data);
	fputs(" using 1:4 with impulses lc rgb '#d62728' title 'missed', ", f);
	gp_string(f, data);
	fprintf(f, " using 1:5 axes x1y2 with lines lw 1.5 lc rgb '#2ca02c' title 'miss rate, last %d'\n"
		"unset multiplot\nset output\n", MISS_WINDOW);
	if (fclose(f))
		return -errno;
	return 0;
}

/* gnuplot SCRIPT, its messages on our stderr; 0 or a description. */
static int run_gnuplot(const char *script, char *why, size_t size)
{
	const char *gp = getenv("GNUPLOT");
	char *argv[] = { (char *)(gp && *gp ? gp : "gnuplot"), (char *)script,
			 NULL };
	pid_t pid;
	int err, status;

	err = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
	if (err) {
		snprintf(why, size, "running %s: %s%s", argv[0], strerror(err),
			 err == ENOENT ? " (install gnuplot-nox or set GNUPLOT)" : "");
		return -err;
	}
	if (waitpid(pid, &status, 0) < 0) {
		snprintf(why, size, "waiting for %s: %s", argv[0], strerror(errno));
		return -errno;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		snprintf(why, size, "%s exited with status %d", argv[0],
			 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
		return -EIO;
	}
	return 0;
}

static int draw(const struct plot_opts *o, const struct plot_point *p, size_t n)
{
	char dir[] = "/tmp/agictl-plot.XXXXXX", data[64], script[64], why[256];
	const char *dpath = o->data;
	int err, ret = AGICTL_OK;

	if (!mkdtemp(dir))
		return agictl_fail("plot failed: %s", strerror(errno));
	snprintf(data, sizeof(data), "%s/cycles.tsv", dir);
	snprintf(script, sizeof(script), "%s/plot.gp", dir);
	if (!dpath)
		dpath = data;
	err = write_data(dpath, p, n);
	if (err) {
		ret = agictl_fail("plot failed: writing %s: %s", dpath, strerror(-err));
		goto out;
	}
	err = write_script(script, o, dpath, n, p[0].cycle,
			   p[n - 1].cycle > p[0].cycle ? p[n - 1].cycle : p[0].cycle + 1);
	if (err) {
		ret = agictl_fail("plot failed: writing %s: %s", script, strerror(-err));
		goto out;
	}
	if (run_gnuplot(script, why, sizeof(why))) {
		ret = agictl_fail("plot failed: %s", why);
		goto out;
	}
	printf("%s: %zu cycles (%llu..%llu), %ux%u\n", o->out, n,
	       (unsigned long long)p[0].cycle, (unsigned long long)p[n - 1].cycle,
	       o->width, o->height);
out:
	unlink(data);
	unlink(script);
	rmdir(dir);
	return ret;
}

int agictl_metrics_plot(int argc, char **argv)
{
	struct plot_opts o = { .width = 1200, .height = 900 };
	struct points l = { 0 };
	struct agi_nl nl;
	size_t from;
	int ret;

	if (argc > 1 && agictl_is_help(argv[1])) {
		plot_usage();
		return AGICTL_OK;
	}
	ret = parse_plot(argc - 1, argv + 1, &o);
	if (ret)
		return ret;
	if (o.input) {
		ret = read_input(o.input, &l);
	} else {
		ret = agictl_open(&nl, "metrics plot");
		if (!ret)
			ret = agictl_close(&nl, "metrics plot",
					   agi_metrics_get(&nl, 0, keep_point, &l));
	}
	if (ret)
		goto out;
	if (!l.n) {
		ret = agictl_fail("plot failed: no cycles to plot (is the aggregator's cycle running?)");
		goto out;
	}
	from = o.last && o.last < l.n ? l.n - o.last : 0;
	ret = draw(&o, l.p + from, l.n - from);
out:
	free(l.p);
	return ret;
}
