export { targetKey, findTargetKey, checkTarget, targetContainer, type Target, type TargetDefaults } from './target.js'
export {
  parseInfrastructureXml,
  parseTargetElements,
  targetXmlNode,
  printInfrastructureXml,
  type Infrastructure,
  type ParseInfrastructureOptions,
} from './infrastructure-xml.js'
export { parseInfrastructureNixXml, infrastructureFromNixValue, type InfrastructureFromNixOptions } from './infrastructure-from-nix.js'
export { readInfrastructureFile } from './read-infrastructure-file.js'
