// SPDX-License-Identifier: GPL-2.0
/*
 * Encrypted directories.  A directory's rows are sealed (AES-256-GCM)
 * under a random key K that is never stored as it is.  What is stored is
 * K and the directory's check R wrapped, once for each rights value a
 * capability for it can carry, under a key derived from that
 * capability's check field: so the capability is the only way to K, and
 * presenting it proves itself by unwrapping.  The check fields are 48
 * bits; that is the strength of the scheme against someone holding the
 * log (Documentation/soap.rst says so).
 */
#include <string.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "soap.h"

int sp_random(void *buf, size_t len)
{
	return RAND_bytes(buf, (int)len) == 1 ? 0 : -1;
}

/* The slot of a rights value among the wraps, or -1 if it has none. */
static int wrap_slot(uint8_t rights)
{
	if (rights == AM_RIGHTS_ALL)
		return SP_NWRAPS - 1;
	if (rights & ~SP_RIGHTS_USED)
		return -1;
	return (rights & SP_COLMASK) | (rights & (SP_MODRGT | SP_DELRGT)) >> 2;
}

static uint8_t slot_rights(int slot)
{
	if (slot == SP_NWRAPS - 1)
		return AM_RIGHTS_ALL;
	return (uint8_t)((slot & SP_COLMASK) | (slot & 0x30) << 2);
}

/* A distinct key per directory, rights value and check. */
static int wrap_key(uint32_t obj, uint8_t rights, const struct am_port *chk,
		    uint8_t *key)
{
	static const char label[] = "amoeba soap wrap";
	uint8_t in[sizeof(label) + 5 + AM_PORTSIZE];
	unsigned int n;
	int ok;

	memcpy(in, label, sizeof(label));
	in[sizeof(label)] = (uint8_t)(obj >> 24);
	in[sizeof(label) + 1] = (uint8_t)(obj >> 16);
	in[sizeof(label) + 2] = (uint8_t)(obj >> 8);
	in[sizeof(label) + 3] = (uint8_t)obj;
	in[sizeof(label) + 4] = rights;
	memcpy(in + sizeof(label) + 5, chk->p, AM_PORTSIZE);
	ok = EVP_Digest(in, sizeof(in), key, &n, EVP_sha256(), NULL);
	return ok == 1 && n == SP_KEY_LEN ? 0 : -1;
}

/*
 * AES-256-GCM of @len bytes with @nonce, the object number as associated
 * data so that sealed bytes cannot be moved to another directory.
 */
static int gcm(bool enc, const uint8_t *key, uint32_t obj,
	       const uint8_t *nonce, const uint8_t *in, uint32_t len,
	       uint8_t *out, uint8_t *tag)
{
	uint8_t aad[4] = {
		(uint8_t)(obj >> 24), (uint8_t)(obj >> 16),
		(uint8_t)(obj >> 8), (uint8_t)obj,
	};
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n, ok;

	if (!ctx)
		return -1;
	ok = EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, nonce,
			       enc) == 1 &&
	     EVP_CipherUpdate(ctx, NULL, &n, aad, sizeof(aad)) == 1 &&
	     (!len || EVP_CipherUpdate(ctx, out, &n, in, (int)len) == 1);
	if (ok && !enc)
		ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, SP_TAG_LEN,
					 tag) == 1;
	ok = ok && EVP_CipherFinal_ex(ctx, out + len, &n) == 1;
	if (ok && enc)
		ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, SP_TAG_LEN,
					 tag) == 1;
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : -1;
}

int sp_seal(const uint8_t *key, uint32_t obj, const uint8_t *in,
	    uint32_t len, uint8_t *out)
{
	if (sp_random(out, SP_NONCE_LEN))
		return -1;
	return gcm(true, key, obj, out, in, len, out + SP_NONCE_LEN,
		   out + SP_NONCE_LEN + len);
}

int sp_open(const uint8_t *key, uint32_t obj, const uint8_t *in,
	    uint32_t len, uint8_t *out)
{
	if (len < SP_SEAL_OVER)
		return -1;
	len -= SP_SEAL_OVER;
	return gcm(false, key, obj, in, in + SP_NONCE_LEN, len, out,
		   (uint8_t *)in + SP_NONCE_LEN + len);
}

int sp_wrap_all(uint32_t obj, const struct am_port *check,
		const uint8_t *key, uint8_t *wraps)
{
	uint8_t secret[SP_KEY_LEN + AM_PORTSIZE], wk[SP_KEY_LEN];
	struct am_priv priv;
	int slot, err = 0;

	memcpy(secret, key, SP_KEY_LEN);
	memcpy(secret + SP_KEY_LEN, check->p, AM_PORTSIZE);
	for (slot = 0; slot < SP_NWRAPS && !err; slot++) {
		am_priv_encode(&priv, obj, slot_rights(slot), check);
		err = wrap_key(obj, slot_rights(slot), &priv.prv_random, wk) ||
		      sp_seal(wk, obj, secret, sizeof(secret),
			      wraps + slot * SP_WRAP_LEN);
	}
	memset(secret, 0, sizeof(secret));
	memset(wk, 0, sizeof(wk));
	return err ? -1 : 0;
}

errstat sp_unwrap(uint32_t obj, const struct am_priv *priv,
		  const uint8_t *wraps, uint8_t *key, struct am_port *check)
{
	uint8_t secret[SP_KEY_LEN + AM_PORTSIZE], wk[SP_KEY_LEN];
	int slot = wrap_slot(priv->prv_rights);
	uint8_t rights;
	errstat err = STD_CAPBAD;

	if (slot < 0 ||
	    wrap_key(obj, priv->prv_rights, &priv->prv_random, wk) ||
	    sp_open(wk, obj, wraps + slot * SP_WRAP_LEN, SP_WRAP_LEN, secret))
		goto out;
	memcpy(check->p, secret + SP_KEY_LEN, AM_PORTSIZE);
	/* The wrap was made for this capability; check it all the same. */
	if (am_priv_decode(priv, check, &rights) != STD_OK)
		goto out;
	memcpy(key, secret, SP_KEY_LEN);
	err = STD_OK;
out:
	memset(secret, 0, sizeof(secret));
	memset(wk, 0, sizeof(wk));
	return err;
}
