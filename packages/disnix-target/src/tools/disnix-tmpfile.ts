import { DisnixError, helpSections, runTool, toolCommand } from '@disnix-ts/libmain'

const program = toolCommand('disnix-tmpfile', 'Creates a fresh temp file (or directory) and prints its path')
  .option('--directory', 'Create a directory instead of a file')
  .option(
    '--for-snapshots',
    'With --directory: create it in the temp dir of the Dysnomia snapshot store ($DYSNOMIA_STATEDIR/tmp), so that importing snapshots unpacked there moves them instead of copying them',
  )
  .addHelpText(
    'after',
    helpSections({
      Notes: [
        'Used by client interfaces to get a place for uploads on a target (mktemp -p $TMPDIR).',
        'disnix-ssh-client unpacks uploaded snapshots into a --for-snapshots directory (falling back to a',
        'plain one on targets without the option): /tmp is often another file system (tmpfs) than the store.',
      ],
      Environment: [
        'TMPDIR             Where the file or directory is created; created if missing (default: /tmp)',
        'DYSNOMIA_STATEDIR  The Dysnomia state dir of --for-snapshots (default: /var/state/dysnomia for root, else ~/.dysnomia)',
      ],
      'Exit status': ['0  the path was printed', '1  the file or directory could not be created, or --for-snapshots without --directory'],
    }),
  )
  .action(async (opts: { directory?: boolean; forSnapshots?: boolean }) => {
    const { createTempDir, createTempFile, ensureDir } = await import('../temp-file.js')
    if (opts.forSnapshots && !opts.directory) throw new DisnixError('USAGE', '--for-snapshots needs --directory')
    let dir = process.env.TMPDIR || '/tmp'
    if (opts.forSnapshots) {
      const { defaultStateDir } = await import('@disnix-ts/dysnomia')
      const { homedir } = await import('node:os')
      dir = `${defaultStateDir(process.env, { uid: process.getuid?.() ?? -1, home: homedir() })}/tmp`
    }
    await ensureDir(dir)
    const path = opts.directory ? await createTempDir(dir, 'tmp.') : await createTempFile(dir, 'tmp.', 10)
    process.stdout.write(`${path}\n`)
  })

await runTool(program, { errorPrefix: 'disnix-tmpfile: ' })
