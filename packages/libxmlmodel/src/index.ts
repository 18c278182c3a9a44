export {
  NIX_TYPE,
  nixFloat,
  nixPath,
  isNixFloat,
  isNixPath,
  isNixAttrs,
  nixTypeOf,
  nixValuesEqual,
  nixValueToText,
  formatNixFloat,
  formatFloatLikeNix,
  sortedNames,
  compareBytes,
  type NixValue,
  type NixList,
  type NixAttrs,
  type NixFloat,
  type NixPath,
  type NixTypeName,
} from './nix-value.js'
export { parseXml, childElements, childElement, childText, type XmlElement, type ParseXmlOptions } from './xml-element.js'
export { printXml, printXmlDocument, escapeXmlText, escapeXmlAttribute, type XmlNode, type PrintXmlOptions } from './xml-writer.js'
export { parseTypedValue, parseTypedAttrs, typedValueNode, typedAttrsNodes, type TypedXmlOptions } from './typed-xml.js'
export { parseNixXml, type ParseNixXmlOptions } from './nix-to-xml.js'
export {
  printNixExpr,
  quoteNixString,
  nixRaw,
  nixStorePath,
  type NixRawExpr,
  type NixPrintable,
  type PrintNixExprOptions,
} from './nix-expr.js'
