/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libamoeba: capabilities, transactions and the standard object protocol.
 * Link with `pkg-config --cflags --libs amoeba`.
 */
#ifndef AMOEBA_H
#define AMOEBA_H

#include <amoeba/cap.h>
#include <amoeba/err.h>
#include <amoeba/rpc.h>
#include <amoeba/objtab.h>
#include <amoeba/std.h>

#endif /* AMOEBA_H */
