import { Option } from 'commander'
import { DisnixError, defineTool, type Session } from '@disnix-ts/libmain'

export interface DisnixTmpfileOptions {
  directory?: boolean
  forSnapshots?: boolean
}

const tmpfileSession: Session<undefined> = {
  kind: 'target',
  errorPrefix: 'disnix-tmpfile: ',
  open: () => undefined,
}

export const disnixTmpfile = defineTool<DisnixTmpfileOptions, undefined, []>({
  name: 'disnix-tmpfile',
  summary: 'Creates a fresh temp file (or directory) and prints its path',
  session: tmpfileSession,
  options: [
    new Option('--directory', 'Create a directory instead of a file'),
    new Option(
      '--for-snapshots',
      'With --directory: create it in the temp dir of the Dysnomia snapshot store ($DYSNOMIA_STATEDIR/tmp), so that importing snapshots unpacked there moves them instead of copying them',
    ),
  ],
  environment: [
    { name: 'TMPDIR', meaning: 'Where the file or directory is created; created if missing (default: /tmp)' },
    { name: 'DYSNOMIA_STATEDIR', meaning: 'The Dysnomia state dir of --for-snapshots (default: /var/state/dysnomia for root, else ~/.dysnomia)' },
  ],
  sections: {
    Notes: [
      'Used by client interfaces to get a place for uploads on a target (mktemp -p $TMPDIR).',
      'disnix-ssh-client unpacks uploaded snapshots into a --for-snapshots directory (falling back to a',
      'plain one on targets without the option): /tmp is often another file system (tmpfs) than the store.',
    ],
  },
  exitStatuses: [
    { status: 0, meaning: 'the path was printed' },
    { status: 1, meaning: 'the file or directory could not be created, or --for-snapshots without --directory' },
  ],
  async run({ opts, io }) {
    const { createTempDir, createTempFile, ensureDir } = await import('../temp-file.js')
    if (opts.forSnapshots && !opts.directory) throw new DisnixError('USAGE', '--for-snapshots needs --directory')
    let dir = io.env.TMPDIR || '/tmp'
    if (opts.forSnapshots) {
      const [{ defaultStateDir }, { homedir }] = await Promise.all([import('@disnix-ts/dysnomia'), import('node:os')])
      dir = `${defaultStateDir(io.env, { uid: process.getuid?.() ?? -1, home: homedir() })}/tmp`
    }
    await ensureDir(dir)
    const path = opts.directory ? await createTempDir(dir, 'tmp.') : await createTempFile(dir, 'tmp.', 10)
    io.stdout.write(`${path}\n`)
  },
})
