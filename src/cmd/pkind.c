#include "pkind.h"

#include <string.h>

#include "cmd.h"

int cmd_kind_bit(const char *word)
{
	enum sv_kind kind;
	enum sv_pkind pkind;

	if (sv_kind_parse(word, &kind) == 0)
		return (int)kind;
	if (sv_pkind_parse(word, &pkind) == 0)
		return PKIND_BIT + (int)pkind;
	return -1;
}

const char *cmd_kind_name(int bit)
{
	return bit < PKIND_BIT ? sv_kind_name((enum sv_kind)bit) :
				 sv_pkind_name((enum sv_pkind)(bit - PKIND_BIT));
}

bool cmd_posix_name_ok(const char *cmdpath, const char *text)
{
	size_t len = strlen(text);

	if (text[0] == '/' && len >= 2 && len <= 256 && strchr(text + 1, '/') == NULL)
		return true;
	cmd_usage_error(cmdpath, "'%s' is not a POSIX name (/NAME: 1 to 255 bytes, "
			"no other '/')", text);
	return false;
}
