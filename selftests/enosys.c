// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * enosys: runs a program as a kernel built without some system calls would:
 * each one named fails with ENOSYS (a seccomp filter installed before the
 * exec), everything else works as usual. For the tests of what our
 * programs say on such kernels (agiswarmd on a kernel without
 * CONFIG_FILE_LOCKING: selftests/daemon_lock.sh).
 *
 *   enosys SYSCALL[,SYSCALL...] PROGRAM [ARGS...]
 *
 * Exit status: PROGRAM's; 4 (a skip) when this kernel has no seccomp
 * filters; 2 on a usage error.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#define KSFT_SKIP 4
#define MAX_CALLS 8

static const struct {
	const char *name;
	int nr;
} calls[] = {
	{ "flock", __NR_flock },
};

static int lookup(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		if (!strcmp(calls[i].name, name))
			return calls[i].nr;
	return -1;
}

int main(int argc, char **argv)
{
	struct sock_filter f[4 + 2 * MAX_CALLS + 1];
	struct sock_fprog prog = { .filter = f };
	char *list, *name, *save = NULL;
	unsigned int n = 0, k = 0, i;
	int nrs[MAX_CALLS];

	if (argc < 3) {
		fprintf(stderr, "usage: enosys SYSCALL[,SYSCALL...] PROGRAM [ARGS...]\n");
		return 2;
	}
	list = strdup(argv[1]);
	for (name = strtok_r(list, ",", &save); name;
	     name = strtok_r(NULL, ",", &save)) {
		int nr = lookup(name);

		if (nr < 0 || k == MAX_CALLS) {
			fprintf(stderr, "enosys: unknown or too many system calls at \"%s\"\n",
				name);
			return 2;
		}
		nrs[k++] = nr;
	}
	/* Other architectures' calls go through untouched. */
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			offsetof(struct seccomp_data, arch));
#if defined(__x86_64__)
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
			AUDIT_ARCH_X86_64, 1, 0);
#else
#error "enosys: add this architecture's AUDIT_ARCH"
#endif
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			offsetof(struct seccomp_data, nr));
	for (i = 0; i < k; i++) {
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
				nrs[i], 0, 1);
		f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
				SECCOMP_RET_ERRNO | ENOSYS);
	}
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	prog.len = n;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		perror("enosys: PR_SET_NO_NEW_PRIVS");
		return 1;
	}
	if (syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog)) {
		int e = errno;

		fprintf(stderr, "enosys: installing the seccomp filter failed: %s\n",
			strerror(e));
		return e == EINVAL || e == ENOSYS ? KSFT_SKIP : 1;
	}
	execvp(argv[2], argv + 2);
	fprintf(stderr, "enosys: running %s failed: %s\n", argv[2],
		strerror(errno));
	return 127;
}
