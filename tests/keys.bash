# fresh_key: a key no object uses now, in 0x5e000000..0x5effffff, the
# range the suite keeps to, so a leaked object is easy to recognise.
# Sourced by tests/helpers.bash (bats) and tests/valgrind.sh (plain bash).

fresh_key() {
	local key
	while :; do
		key=$(printf '0x%08x' $(( 0x5e000000 + ((RANDOM << 15 | RANDOM) % 0x1000000) )))
		if ! ipcs -a | awk '{print $1}' | grep -qix "$key"; then
			echo "$key"
			return
		fi
	done
}
