# SPDX-License-Identifier: GPL-2.0
#
# matrix.sh: matrices and inputs for the swarm tests and benches, in the
# seeds' JSON format that agictl matrix load reads. POSIX sh and awk.
#
#   gen_matrix ROWS COLS OUT   a ROWS x COLS Q1.31 matrix, entries in
#                              (-0.1, 0.1), deterministic, into OUT
#   input_for COLS             an input vector of COLS values in (-1, 1),
#                              as agictl input set takes it
#   job_file OUT M N EXPR      an M x N Q16.16 job file (agictl job run
#                              matmul) whose entry (i, j) is the jq
#                              expression EXPR of $i and $j (needs $JQ)
#   rows_current               every worker of the swarm's aggregator that
#                              holds rows has answered with the current
#                              generation (netns/lib.sh sourced first)

gen_matrix()
{
	awk -v m="$1" -v n="$2" 'BEGIN {
		printf "{\n  \"control_matrices\": {\n    \"state_feedback\": {\n"
		printf "      \"matrix\": [\n"
		for (i = 0; i < m; i++) {
			printf "        ["
			for (j = 0; j < n; j++)
				printf "%s%.4f", j ? ", " : "",
					((i * 31 + j * 17) % 199 - 99) / 1000
			printf "]%s\n", i < m - 1 ? "," : ""
		}
		printf "      ],\n      \"precision\": \"Q1.31\"\n    }\n  }\n}\n"
	}' > "$3"
}

job_file()
{
	"$JQ" -n --argjson m "$2" --argjson n "$3" \
		"{precision: \"Q16.16\", matrix: [range(\$m) as \$i |
		  [range(\$n) as \$j | $4]]}" > "$1"
}

input_for()
{
	awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++)
		printf "%s%.3f", i ? "," : "", ((i * 37) % 19 - 9) / 10 }'
}

rows_current()
{
	local gen
	gen=$(actl "$SWARM_AGG" -j matrix show | "$JQ" -r '.gen')
	actl "$SWARM_AGG" -j workers list |
		"$JQ" -e "all(.[] | select(.rows > 0); .gen == $gen)"
}
