/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the small commands share: the program name in messages, option
 * and operand parsing with Amoeba exit codes, and the loop over
 * capabilities given on the command line.
 */
#ifndef AMOEBA_CMD_COMMON_H
#define AMOEBA_CMD_COMMON_H

#include <amoeba.h>

/* Exit codes: success, the operation failed, the command line is wrong. */
#define EXIT_OK		0
#define EXIT_FAIL	1
#define EXIT_USAGE	2

extern const char *progname;

/*
 * Parse the options every command takes (-h/--help); print @help and exit
 * 0 for help, or a short message and exit EXIT_USAGE for anything else.
 * Returns the index of the first operand, after checking that there are
 * between @min and @max operands (-1: no limit).
 */
int cmd_init(int argc, char **argv, const char *help, int min, int max);

/* A capability operand, or a message naming the position and exit 2. */
void cmd_cap(const char *text, struct am_cap *cap);

/* A number operand in [0, @max] (decimal, or hex with 0x), or exit 2. */
unsigned long cmd_number(const char *text, unsigned long max,
			 const char *what);

/* Report a failed operation on @text on stderr. */
void cmd_error(const char *text, errstat err);

/*
 * Run @op on each capability operand argv[first..argc-1]; report each
 * failure and go on.  Returns EXIT_OK if every one succeeded.
 */
int cmd_each_cap(int argc, char **argv, int first,
		 errstat (*op)(const struct am_cap *cap, const char *text));

/*
 * The whole of a command that prints, one line per capability operand,
 * the text @get answers (a generated stub: at most @max bytes).
 */
int cmd_print_text(int argc, char **argv, const char *help,
		   errstat (*get)(const struct am_cap *cap, char *buf),
		   size_t max);

#endif /* AMOEBA_CMD_COMMON_H */
