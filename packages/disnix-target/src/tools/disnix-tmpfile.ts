import { helpSections, runTool, toolCommand } from '@disnix-ts/libmain'

const program = toolCommand('disnix-tmpfile', 'Creates a fresh temp file (or directory) and prints its path')
  .option('--directory', 'Create a directory instead of a file')
  .addHelpText(
    'after',
    helpSections({
      Notes: ['Used by client interfaces to get a place for uploads on a target (mktemp -p $TMPDIR).'],
      Environment: ['TMPDIR  Where the file or directory is created; created if missing (default: /tmp)'],
      'Exit status': ['0  the path was printed', '1  the file or directory could not be created'],
    }),
  )
  .action(async (opts: { directory?: boolean }) => {
    const { createTempDir, createTempFile, ensureDir } = await import('../temp-file.js')
    const dir = process.env.TMPDIR || '/tmp'
    await ensureDir(dir)
    const path = opts.directory ? await createTempDir(dir, 'tmp.') : await createTempFile(dir, 'tmp.', 10)
    process.stdout.write(`${path}\n`)
  })

await runTool(program, { errorPrefix: 'disnix-tmpfile: ' })
