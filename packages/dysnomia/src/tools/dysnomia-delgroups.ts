import { userTool } from './user-tool.js'

export const dysnomiaDelgroups = userTool('delgroups')
