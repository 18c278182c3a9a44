import { describe, expect, test } from 'vitest'
import { isNixFloat, isNixPath, nixFloat, nixPath, nixTypeOf, type NixAttrs } from './nix-value.js'
import { parseTypedAttrs, parseTypedValue, typedValueNode } from './typed-xml.js'
import { parseXml } from './xml-element.js'
import { printXml } from './xml-writer.js'

const document = `<?xml version="1.0"?>
<container name="c" type="attrs">
  <property name="hello" type="string">  spaced &amp; &lt;quoted&gt; </property>
  <property name="port" type="int">8080</property>
  <property name="ratio" type="float">2</property>
  <property name="on" type="bool">true</property>
  <property name="off" type="bool">false</property>
  <property name="dir" type="path">/srv/data</property>
  <property name="empty" type="string"></property>
  <property name="list" type="list">
    <elem type="string">a</elem>
    <elem type="int">2</elem>
  </property>
  <property name="nested" type="attrs"><property name="x" type="string">y</property></property>
</container>
`

describe('parseTypedValue', () => {
  test('reads every type of spec §2.1 and keeps ints, floats and paths apart', () => {
    const value = parseTypedValue(parseXml(document)) as NixAttrs
    expect(value.hello).toBe('  spaced & <quoted> ')
    expect(value.port).toBe(8080)
    expect(nixTypeOf(value.port!)).toBe('int')
    expect(isNixFloat(value.ratio!)).toBe(true)
    expect(value.ratio).toEqual(nixFloat(2))
    expect(value.on).toBe(true)
    expect(value.off).toBe(false)
    expect(isNixPath(value.dir!)).toBe(true)
    expect(value.dir).toEqual(nixPath('/srv/data'))
    expect(value.empty).toBe('')
    expect(value.list).toEqual(['a', 2])
    expect(value.nested).toEqual({ x: 'y' })
  })

  test('rejects an element without a type annotation', () => {
    expect(() => parseTypedValue(parseXml('<property name="x">1</property>'), { source: 'f.xml' })).toThrow(
      'f.xml: element <property> has no type annotation',
    )
  })

  test('rejects malformed scalars and unknown types', () => {
    expect(() => parseTypedValue(parseXml('<p type="int">12a</p>'))).toThrow('"12a" is not an int')
    expect(() => parseTypedValue(parseXml('<p type="bool">yes</p>'))).toThrow('"yes" is not a bool')
    expect(() => parseTypedValue(parseXml('<p type="float">x</p>'))).toThrow('"x" is not a float')
    expect(() => parseTypedValue(parseXml('<p type="set"/>'))).toThrow('unknown type: set')
  })

  test('parseTypedAttrs reads property children of an element without a type', () => {
    expect(parseTypedAttrs(parseXml('<containers><property name="a" type="int">1</property></containers>'))).toEqual({ a: 1 })
  })
})

describe('typedValueNode', () => {
  test('prints typed XML that parses back to the same value, attributes sorted', () => {
    const value = parseTypedValue(parseXml(document))
    const printed = printXml(typedValueNode('container', value, [['name', 'c']]), { declaration: false })
    expect(printed).toBe(`<container name="c" type="attrs">
  <property name="dir" type="path">/srv/data</property>
  <property name="empty" type="string"/>
  <property name="hello" type="string">  spaced &amp; &lt;quoted&gt; </property>
  <property name="list" type="list">
    <elem type="string">a</elem>
    <elem type="int">2</elem>
  </property>
  <property name="nested" type="attrs">
    <property name="x" type="string">y</property>
  </property>
  <property name="off" type="bool">false</property>
  <property name="on" type="bool">true</property>
  <property name="port" type="int">8080</property>
  <property name="ratio" type="float">2</property>
</container>
`)
    expect(parseTypedValue(parseXml(printed))).toEqual(value)
  })

  test('prints empty lists and attribute sets as empty elements', () => {
    expect(printXml(typedValueNode('p', []), { declaration: false })).toBe('<p type="list"/>\n')
    expect(printXml(typedValueNode('p', {}), { declaration: false })).toBe('<p type="attrs"/>\n')
  })
})

describe('parseXml', () => {
  test('names the source and position of malformed XML', () => {
    expect(() => parseXml('<a><b></a>', { source: 'broken.xml' })).toThrow(/^broken\.xml: malformed XML at line 1, column \d+: /)
  })

  test.each([
    ['', 'f.xml: the file is empty; expected a thing'],
    [' \n\t\n', 'f.xml: the file is empty; expected a thing'],
    ['<?xml version="1.0"?>\n', 'f.xml: malformed XML: no root element; expected a thing'],
    ['<a><b>', 'f.xml: malformed XML: the document ends before <a>, <b> are closed (is the file cut off?)'],
    ['<a>', "f.xml: malformed XML at line 1, column 1: Unclosed tag 'a'."],
    ['<a/><b/>', 'f.xml: malformed XML: more than one root element (<a>, <b>); expected a thing'],
  ])('%j: one message saying what is wrong and what was expected', (text, message) => {
    expect(() => parseXml(text, { source: 'f.xml', expected: 'a thing' })).toThrow(expect.objectContaining({ code: 'XML_INVALID', message }))
  })

  test('a byte order mark before the document is allowed', () => {
    expect(parseXml('\uFEFF<a>x</a>').text).toBe('x')
  })

  test('decodes numeric character references', () => {
    expect(parseXml('<a>x &#8594; &#x41;</a>').text).toBe('x → A')
  })
})
