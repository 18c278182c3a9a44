// Process entry of nixproc-generate-config, run by modules/managed-process:
//   node nixproc-generate-config-main.js --process-manager PM --output DIR [--state-dir D] ... CONFIG.json
import { runMain } from '@disnix-ts/libmain'
import { nixprocGenerateConfig } from './nixproc-generate-config.js'

await runMain(nixprocGenerateConfig)
