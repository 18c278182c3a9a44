import { Option } from 'commander'
import { coordinatorProfilePathOption, helpSections, plainProgress, profileOption, runTool, toolCommand } from '@disnix-ts/libmain'

const program = toolCommand('disnix-compare-manifest', 'Compare a manifest with the previously deployed one (semantically: order and layout do not matter)')
  .addOption(new Option('-o, --old-manifest <file>', 'Manifest to compare with (default: the last deployed manifest of the coordinator profile)'))
  .addOption(profileOption())
  .addOption(coordinatorProfilePathOption())
  .argument('<manifest>', 'The new manifest file')
  .addHelpText(
    'after',
    helpSections({
      Environment: ['DISNIX_PROFILE  Name of the Disnix profile (default: default)'],
      'Exit status': [
        '0  the manifests are equal',
        '1  the manifests differ, there is no previous manifest, or a manifest cannot be read',
        '2  a manifest is invalid',
      ],
    }),
  )
  .action(async (manifest: string, opts: { oldManifest?: string; profile: string; coordinatorProfilePath?: string }) => {
    const { compareWithPreviousManifest } = await import('@disnix-ts/libmanifest')
    process.exitCode = await compareWithPreviousManifest({
      manifest,
      oldManifest: opts.oldManifest,
      profile: opts.profile,
      path: opts.coordinatorProfilePath,
      progress: plainProgress(process.stderr),
    })
  })

await runTool(program, { errorPrefix: '[coordinator]: ' })
