import { Argument, Option } from 'commander'
import { defineTool, maxConcurrentTransfersOption } from '@disnix-ts/libmain'
import { coordinatorSession, type CoordinatorOptions, type CoordinatorSession } from '../cli/coordinator-session.js'

export interface DisnixDistributeOptions extends CoordinatorOptions {
  maxConcurrentTransfers: number
}

export const disnixDistribute = defineTool<DisnixDistributeOptions, CoordinatorSession, [manifest: string]>({
  name: 'disnix-distribute',
  summary: "Copy the closure of every target's profile to that target, sending only missing paths",
  session: coordinatorSession,
  arguments: [new Argument('<manifest>', 'Manifest file of the deployment')],
  options: [maxConcurrentTransfersOption(), new Option('--verbose', 'Plain progress lines even on a terminal')],
  environment: [{ name: 'TMPDIR', meaning: 'Directory for the temporary closure files (default: /tmp)' }],
  exitStatuses: [
    { status: 0, meaning: 'every target has its closure' },
    { status: 1, meaning: 'a transfer failed' },
  ],
  async run({ opts, args: [manifestPath], session }) {
    const [{ readManifest }, { distribute }] = await Promise.all([import('@disnix-ts/libmanifest'), import('@disnix-ts/libdeploy')])
    const manifest = await readManifest(manifestPath, { defaultTarget: session.hostname })
    await distribute({ ...session.context, manifest, maxConcurrentTransfers: opts.maxConcurrentTransfers })
  },
})
