/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few definitions the FLIP engine needs from its environment, so the
 * same sources compile in the kernel module, in user space and in fuzzers.
 * Nothing here allocates, sleeps, reads a clock or touches the network.
 */
#ifndef FLIP_TYPES_H
#define FLIP_TYPES_H

#ifdef __KERNEL__
#include <linux/export.h>
#include <linux/types.h>
#include <linux/string.h>

/*
 * The KUnit module runs the engine's tests against the copy compiled into
 * amoeba.ko, so with KUnit the engine exports its functions.
 */
#if IS_ENABLED(CONFIG_KUNIT)
#define FLIP_EXPORT(sym)	EXPORT_SYMBOL_GPL(sym)
#else
#define FLIP_EXPORT(sym)
#endif
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <linux/types.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;

#define FLIP_EXPORT(sym)
#endif

#endif /* FLIP_TYPES_H */
