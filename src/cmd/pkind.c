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

void cmd_warn_proc_view(size_t count, const char *what)
{
	enum sv_proc_view view;

	if (count == 0 || (view = sv_proc_view()) == SV_PROC_VIEW_ALL)
		return;
	cmd_warn("%zu POSIX object%s nobody was seen using %s %s (cannot tell): %s",
		 count, count == 1 ? "" : "s", count == 1 ? "is" : "are", what,
		 view == SV_PROC_VIEW_PIDNS ?
		 "/proc shows only the processes of this pid namespace" :
		 "/proc hides other users' processes (hidepid)");
}

bool cmd_pobj_unseen(const struct sv_pobj *obj)
{
	return obj->users.count == 0 && !obj->users.known;
}
