import { DisnixError, helpSections, toolCommand } from '@disnix-ts/libmain'

export type UserToolOperation = 'addusers' | 'delusers' | 'addgroups' | 'delgroups'

const DESCRIPTIONS: Record<UserToolOperation, { what: string; kind: 'users' | 'groups'; text: string }> = {
  addusers: { what: 'user', kind: 'users', text: 'Create the users described by key=value specification files (idempotent)' },
  delusers: { what: 'user', kind: 'users', text: 'Remove the users described by key=value specification files (home directories are kept)' },
  addgroups: { what: 'group', kind: 'groups', text: 'Create the groups described by key=value specification files (idempotent)' },
  delgroups: { what: 'group', kind: 'groups', text: 'Remove the groups described by key=value specification files' },
}

/** The command line shared by dysnomia-addusers, -delusers, -addgroups and -delgroups. */
export function userToolCommand(operation: UserToolOperation): ReturnType<typeof toolCommand> {
  const { what, kind, text } = DESCRIPTIONS[operation]
  const name = `dysnomia-${operation}`
  return toolCommand(name, text, { suite: 'dysnomia' })
    .usage(`[OPTION] ${what}file\n  or: ${name} [OPTION] component-dir`)
    .argument('[path]', `A ${what} specification file (its name is the ${what} name), or a component whose dysnomia-support/${kind} directory holds such files`)
    .addHelpText(
      'after',
      helpSections({
        'Specification files': kind === 'users'
          ? [
              'Lines of key=value (shell assignment syntax, $(...) evaluated with bash; # comments allowed):',
              'uid, password (already encrypted, as useradd -p expects), group, description, homeDir,',
              'createHomeDir (1 = create it), createHomeDirOnly (1 = only create the home dir, no account), shell.',
            ]
          : ['Lines of key=value (shell assignment syntax); the only property is gid (optional).'],
        Environment: ['PATH  Where useradd, userdel, groupadd, groupdel, getent and id are found (sbin is added)'],
        'Exit status': [
          '0  success; also when the path has no dysnomia-support directory, or everything already was as requested',
          '1  the path does not exist, a specification file is malformed, or a system tool failed',
        ],
      }),
    )
}

/** Runs one of the four operations for the path given on the command line. */
export async function runUserTool(operation: UserToolOperation, path: string | undefined): Promise<void> {
  if (path === undefined) throw new DisnixError('INVALID_PATH', 'ERROR: The path:  is not valid!')
  const lib = await import('./user-management.js')
  const { bareProgress } = await import('./bare-progress.js')
  const options = { env: process.env, progress: bareProgress(process.stderr) }
  const run = { addusers: lib.addUsers, delusers: lib.delUsers, addgroups: lib.addGroups, delgroups: lib.delGroups }[operation]
  await run(path, options)
}
