export {
  parseDistributedDerivationXml,
  readDistributedDerivation,
  printDistributedDerivationXml,
  checkDistributedDerivation,
  distributedDerivationProblems,
  type DistributedDerivation,
  type DerivationMapping,
  type BuildInterface,
} from './distributed-derivation.js'
