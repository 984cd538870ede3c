/* Byte codecs for message bodies in JSON: a strict UTF-8 check, a JSON
 * string literal of valid UTF-8 (NUL bytes and control characters
 * escaped), and base64 (RFC 4648, with padding) for everything else.
 * glibc's b64_ntop lives in libresolv and libbsd has none, so the few
 * lines are here. */
#ifndef SYSVCTL_CODEC_H
#define SYSVCTL_CODEC_H

#include <stdbool.h>
#include <stddef.h>

/* Whether DATA is valid UTF-8: no overlong forms, no surrogates, nothing
 * above U+10FFFF.  NUL bytes are valid. */
bool sv_utf8_valid(const void *data, size_t size);

/* Bytes sv_json_quote needs for SIZE bytes of input, the quotes and the
 * final NUL included. */
size_t sv_json_quote_size(size_t size);

/* Write DATA as a JSON string literal, quotes included, NUL-terminated,
 * into OUT (sv_json_quote_size(size) bytes).  Returns its length. */
size_t sv_json_quote(const void *data, size_t size, char *out);

/* Bytes sv_base64_encode needs for SIZE bytes, the final NUL included. */
size_t sv_base64_size(size_t size);

/* Encode DATA into OUT (sv_base64_size(size) bytes), NUL-terminated.
 * Returns the length. */
size_t sv_base64_encode(const void *data, size_t size, char *out);

#endif
