import { chmod, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * Writes a custom client interface for tests (any executable speaking the argv contract of spec
 * §3.1 is one): it runs the operation on the target with plain OpenSSH (`ssh -F <sshConfig>`),
 * through `$REMOTE_CLIENT` (default disnix-run-activity), every argument quoted for the remote
 * shell. Closures travel through ssh's stdin/stdout. When `$IFACE_LOG` is set, each call appends
 * `<operation> <stdout lines…>` to it. Returns the interface's path.
 *
 * `valueOptions` are the options of the contract that take a value (libinterface's `valueOptions()`,
 * from the protocol's table): the script skips them when it looks for the operation.
 */
export async function writeSshTestInterface(dir: string, sshConfig: string, valueOptions: readonly string[]): Promise<string> {
  const skipped = valueOptions.filter((option) => option !== '--target')
  if (skipped.some((option) => !/^--[a-z][a-z-]*$/.test(option))) throw new Error(`not an option: ${skipped.join(' ')}`)
  const path = join(dir, 'ssh-test-interface')
  await writeFile(
    path,
    `#!/bin/bash
set -e -o pipefail
cfg=${quote(sshConfig)}
remote_client="\${REMOTE_CLIENT:-disnix-run-activity}"
args=("$@"); target=""; op=""; last="\${args[-1]}"
for ((i = 0; i < \${#args[@]}; i++)); do
    case "\${args[i]}" in
        --target) target="\${args[i+1]}" ;;
        --target=*) target="\${args[i]#--target=}" ;;
        --localfile|--remotefile) ;;
        --*) [ -z "$op" ] && case "\${args[i]}" in ${skipped.join('|')}) ;; *) op="\${args[i]#--}" ;; esac ;;
    esac
done
if [ -z "$target" ]; then echo "ERROR: A target address must be specified!" >&2; exit 1; fi
q() { printf '%q ' "$@"; }
record() { if [ -n "$IFACE_LOG" ]; then { printf '%s' "$op"; while IFS= read -r line || [ -n "$line" ]; do printf ' %s' "$line"; done; echo; } >> "$IFACE_LOG"; else cat > /dev/null; fi; }
case "$op" in
    import)
        remote_file="$(ssh -F "$cfg" "$target" disnix-tmpfile)"
        ssh -F "$cfg" "$target" "cat > $(q "$remote_file")" < "$last"
        ssh -F "$cfg" "$target" "$(q "$remote_client" --import --target "$target" "$remote_file"); rm -f $(q "$remote_file")"
        echo "$last" | record
        ;;
    export)
        remote_file="$(ssh -F "$cfg" "$target" "$(q "$remote_client" "$@")")"
        local_file="$(mktemp -p "\${TMPDIR:-/tmp}" disnix.XXXXXX)"
        ssh -F "$cfg" "$target" "cat $(q "$remote_file"); rm -f $(q "$remote_file")" > "$local_file"
        echo "$local_file"
        echo "$remote_file" | record
        ;;
    *)
        out="$(ssh -F "$cfg" "$target" "$(q "$remote_client" "$@")")" || { status=$?; printf '%s' "$out"; [ -n "$out" ] && echo; exit $status; }
        if [ -n "$out" ]; then printf '%s\\n' "$out"; fi
        printf '%s' "$out" | record
        ;;
esac
`,
  )
  await chmod(path, 0o755)
  return path
}

function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`
}
