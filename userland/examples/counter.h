/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interface of the counter service, shared by its server (counterd)
 * and its client (counter): command numbers and rights.  A counter is a
 * signed 32-bit number that clients create, add to and read.
 */
#ifndef COUNTER_H
#define COUNTER_H

/* Unregistered services number their commands from 15000. */
#define COUNTER_CREATE	15000	/* super cap, create right: a new counter */
#define COUNTER_ADD	15001	/* h_offset: amount; reply h_offset: value */
#define COUNTER_READ	15002	/* reply h_offset: value */

/* Rights, as Amoeba's generic ones. */
#define COUNTER_RGT_CREATE	AM_RGT_CREATE
#define COUNTER_RGT_READ	AM_RGT_READ
#define COUNTER_RGT_ADD		AM_RGT_MODIFY

#endif /* COUNTER_H */
