import { Argument } from 'commander'
import { defineTool, DisnixError, plainSession, type ToolDefinition } from '@disnix-ts/libmain'

export type UserToolOperation = 'addusers' | 'delusers' | 'addgroups' | 'delgroups'

const DESCRIPTIONS: Record<UserToolOperation, { what: string; kind: 'users' | 'groups'; text: string }> = {
  addusers: { what: 'user', kind: 'users', text: 'Create the users described by key=value specification files (idempotent)' },
  delusers: { what: 'user', kind: 'users', text: 'Remove the users described by key=value specification files (home directories are kept)' },
  addgroups: { what: 'group', kind: 'groups', text: 'Create the groups described by key=value specification files (idempotent)' },
  delgroups: { what: 'group', kind: 'groups', text: 'Remove the groups described by key=value specification files' },
}

/** The definition shared by dysnomia-addusers, -delusers, -addgroups and -delgroups. */
export function userTool(operation: UserToolOperation): ToolDefinition<Record<string, never>, undefined, [path: string | undefined]> {
  const { what, kind, text } = DESCRIPTIONS[operation]
  const name = `dysnomia-${operation}`
  return defineTool<Record<string, never>, undefined, [path: string | undefined]>({
    name,
    suite: 'dysnomia',
    summary: text,
    usage: `[OPTION] ${what}file\n  or: ${name} [OPTION] component-dir`,
    session: plainSession,
    arguments: [
      new Argument('[path]', `A ${what} specification file (its name is the ${what} name), or a component whose dysnomia-support/${kind} directory holds such files`),
    ],
    options: [],
    sections: {
      'Specification files':
        kind === 'users'
          ? [
              'Lines of key=value (shell assignment syntax, $(...) evaluated with bash; # comments allowed):',
              'uid, password (already encrypted, as useradd -p expects), group, description, homeDir,',
              'createHomeDir (1 = create it), createHomeDirOnly (1 = only create the home dir, no account), shell.',
            ]
          : ['Lines of key=value (shell assignment syntax); the only property is gid (optional).'],
    },
    environment: [{ name: 'PATH', meaning: 'Where useradd, userdel, groupadd, groupdel, getent and id are found (sbin is added)' }],
    exitStatuses: [
      { status: 0, meaning: 'success; also when the path has no dysnomia-support directory, or everything already was as requested' },
      { status: 1, meaning: 'the path does not exist, a specification file is malformed, or a system tool failed' },
    ],
    async run({ args: [path], io }) {
      if (path === undefined) throw new DisnixError('INVALID_PATH', 'ERROR: The path:  is not valid!')
      const [lib, { bareProgress }] = await Promise.all([import('../user-management.js'), import('../bare-progress.js')])
      const run = { addusers: lib.addUsers, delusers: lib.delUsers, addgroups: lib.addGroups, delgroups: lib.delGroups }[operation]
      await run(path, { env: io.env, progress: bareProgress(io.stderr) })
    },
  })
}
