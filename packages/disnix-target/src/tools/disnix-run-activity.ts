import { runTool } from '@disnix-ts/libmain'
import { activityCommand } from '../activity-command.js'

const program = activityCommand({
  env: process.env,
  output: 'inherit',
  onStatus: (status) => (process.exitCode = status),
  serve: async () => {
    const { serveActivities } = await import('../serve-activities.js')
    return serveActivities({ input: process.stdin, output: process.stdout, env: process.env })
  },
})

await runTool(program, { errorPrefix: '' })
