import { userTool } from './user-tool.js'

export const dysnomiaAddgroups = userTool('addgroups')
