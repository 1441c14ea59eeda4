/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libamoeba: capabilities, transactions, the standard object protocol,
 * and path names through SOAP directories.
 * Link with `pkg-config --cflags --libs amoeba`.
 */
#ifndef AMOEBA_H
#define AMOEBA_H

#include <amoeba/cap.h>
#include <amoeba/err.h>
#include <amoeba/rpc.h>
#include <amoeba/objtab.h>
#include <amoeba/std.h>
#include <amoeba/soap_ail.h>
#include <amoeba/path.h>

#endif /* AMOEBA_H */
