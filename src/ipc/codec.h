/* Byte codecs for message bodies in JSON: a strict UTF-8 check (a valid
 * body is a JSON string), and base64 (RFC 4648, with padding, glibc's
 * b64_ntop) for everything else. */
#ifndef SYSVCTL_CODEC_H
#define SYSVCTL_CODEC_H

#include <stdbool.h>
#include <stddef.h>

/* Whether DATA is valid UTF-8: no overlong forms, no surrogates, nothing
 * above U+10FFFF.  NUL bytes are valid. */
bool sv_utf8_valid(const void *data, size_t size);

/* Bytes sv_base64_encode needs for SIZE bytes, the final NUL included. */
size_t sv_base64_size(size_t size);

/* Encode DATA into OUT (sv_base64_size(size) bytes), NUL-terminated.
 * Returns the length. */
size_t sv_base64_encode(const void *data, size_t size, char *out);

#endif
