// SPDX-License-Identifier: GPL-2.0
/*
 * The engine is plain C shared with user space, so it cannot export its
 * own symbols; the KUnit module runs the engine's tests against the copy
 * compiled into amoeba.ko, through these exports.
 */
#include <linux/export.h>

#include "amoeba.h"

#if IS_ENABLED(CONFIG_KUNIT)
EXPORT_SYMBOL_GPL(flip_parse);
EXPORT_SYMBOL_GPL(flip_hdrs_len);
EXPORT_SYMBOL_GPL(flip_write);
EXPORT_SYMBOL_GPL(am_hdr_put);
EXPORT_SYMBOL_GPL(am_hdr_get);
EXPORT_SYMBOL_GPL(flip_port_hash);
EXPORT_SYMBOL_GPL(flip_drop_names);
EXPORT_SYMBOL_GPL(flip_pcache_init);
EXPORT_SYMBOL_GPL(flip_pcache_lookup);
EXPORT_SYMBOL_GPL(flip_pcache_enter);
EXPORT_SYMBOL_GPL(flip_pcache_forget);
EXPORT_SYMBOL_GPL(flip_pcache_forget_addr);
EXPORT_SYMBOL_GPL(flip_timing_default);
EXPORT_SYMBOL_GPL(flip_trans_start);
EXPORT_SYMBOL_GPL(flip_trans_input);
EXPORT_SYMBOL_GPL(flip_trans_expire);
EXPORT_SYMBOL_GPL(flip_trans_abort);
EXPORT_SYMBOL_GPL(flip_trans_expiry);
EXPORT_SYMBOL_GPL(flip_dedup_init);
EXPORT_SYMBOL_GPL(flip_dedup_request);
EXPORT_SYMBOL_GPL(flip_dedup_find);
EXPORT_SYMBOL_GPL(flip_dedup_replied);
EXPORT_SYMBOL_GPL(flip_dedup_acked);
EXPORT_SYMBOL_GPL(flip_dedup_release);
EXPORT_SYMBOL_GPL(flip_dedup_clear);
#endif
