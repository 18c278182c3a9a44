// The bad-input corpus (issue 16): every tool, fed what a new user or an attacker would give it,
// must end with its documented exit status and one message that names the culprit (file, attribute,
// option or path) and what is expected, without a stack trace, and must change nothing on disk or on
// a target. Models are evaluated by the real Nix; files are real files (fixtures/bad-input/<case>/,
// whose missing models come from fixtures/bad-input/base/). The client interface of every case is a
// recording executable: a case that reached a target would leave its call in the log. Cases with
// unreadable files run as the unprivileged user nobody (setpriv), since the tests run as root.
import { constants, readdirSync } from 'node:fs'
import { access, chmod, cp, lstat, mkdir, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { installRoot, NAME_RULE } from '@disnix-ts/libmain'
import { isRoot, nixTestEnv, suiteDir, runsHere } from '@disnix-ts/test-utils'
import { startTestnet, testnetAvailable, type Testnet } from '@disnix-ts/testnet/testing'

const FIXTURES = join(installRoot(), 'packages', 'disnix-cli', 'fixtures', 'bad-input')

interface Fixture {
  root: string
  /** Where each case's fixture directory was copied to (readable by nobody). */
  models: string
  /** The recording client interface's call log; it must never come into existence. */
  calls: string
  /** The coordinator profile directory of every case (--coordinator-profile-path). */
  coordinator: string
  /** Dysnomia's snapshot store of the coordinator, with one snapshot whose contents were changed. */
  corruptStore: string
  home: string
}

interface Case {
  name: string
  tool: string
  args: (f: Fixture, cwd: string) => string[]
  env?: (f: Fixture) => Record<string, string>
  /** Run as the unprivileged user nobody instead of root. */
  asNobody?: boolean
  /** The documented exit status (default 1). */
  status?: number
  /** The one message: it names the culprit and what is expected. */
  message: (f: Fixture, cwd: string) => RegExp
  /** Progress lines the tool prints before it meets the problem, as the original prints them. */
  progress?: readonly string[]
  /** What the tool prints on stdout (default nothing). */
  stdout?: (f: Fixture) => string
}

// ---------------------------------------------------------------------------------------------
// Helpers for writing cases

const literal = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
/** A message that starts with `text` (the coordinator prefix included by the caller). */
const starts = (text: string): RegExp => new RegExp(`^${literal(text)}`)
const coordinator = (text: string): RegExp => starts(`[coordinator]: ${text}`)

/** A file of a case's fixture directory. */
function model(f: Fixture, caseName: string, file: string): string {
  return join(f.models, caseName, file)
}

const BASE = (f: Fixture) => join(f.models, 'base')
/** -s, -i and -d (and -P): the case's own models, the base ones for the rest. */
const models = (f: Fixture, c: string, own: readonly ('services' | 'infrastructure' | 'distribution' | 'packages')[]): string[] => {
  const pick = (kind: string) => (own.includes(kind as never) ? model(f, c, `${kind}.nix`) : join(BASE(f), `${kind}.nix`))
  const args = ['-s', pick('services'), '-i', pick('infrastructure'), '-d', pick('distribution')]
  return own.includes('packages') ? [...args, '-P', pick('packages')] : args
}
const profileDir = (f: Fixture) => ['--coordinator-profile-path', f.coordinator]
const manifest = (f: Fixture, name: string) => join(f.models, 'manifests', name)

/** A models case for disnix-manifest: the case's own models over the base ones. */
function modelCase(name: string, own: Parameters<typeof models>[2], message: (f: Fixture) => RegExp, tool = 'disnix-manifest'): Case {
  return { name, tool, args: (f) => models(f, name, own), message }
}

/** `<kind> model <file>: <text>`, as the model checks write it. */
const about = (kind: string, file: (f: Fixture) => string, text: string) => (f: Fixture) => coordinator(`${kind} model ${file(f)}: ${text}`)
const servicesOf = (c: string) => (f: Fixture) => model(f, c, 'services.nix')
const infrastructureOf = (c: string) => (f: Fixture) => model(f, c, 'infrastructure.nix')
const distributionOf = (c: string) => (f: Fixture) => model(f, c, 'distribution.nix')
const packagesOf = (c: string) => (f: Fixture) => model(f, c, 'packages.nix')
const architectureOf = (c: string) => (f: Fixture) => model(f, c, 'architecture.nix')
const deploymentOf = (c: string) => (f: Fixture) => model(f, c, 'deployment.nix')
const buildOf = (c: string) => (f: Fixture) => model(f, c, 'build.nix')
const nixSyntax = (file: (f: Fixture) => string) => (f: Fixture) => new RegExp(`^\\[coordinator\\]: syntax error, unexpected .*\\n\\n\\s+at ${literal(file(f))}:\\d+:\\d+:`)

// ---------------------------------------------------------------------------------------------
// Services model

const servicesCases: Case[] = [
  modelCase('services-syntax-error', ['services'], nixSyntax(servicesOf('services-syntax-error'))),
  modelCase('services-not-a-function', ['services'], about('services', servicesOf('services-not-a-function'), 'the services model must be a function, but it is an attribute set')),
  modelCase('services-returns-a-list', ['services'], about('services', servicesOf('services-returns-a-list'), 'the services model must return an attribute set of services, but it returns a list')),
  modelCase('service-not-an-attribute-set', ['services'], about('services', servicesOf('service-not-an-attribute-set'), "service 'db' must be an attribute set, but it is an integer")),
  modelCase('service-without-name', ['services'], about('services', servicesOf('service-without-name'), "service 'db': mandatory attribute `name' is missing")),
  modelCase('service-name-mismatch', ['services'], about('services', servicesOf('service-name-mismatch'), `service 'db': the name attribute should be "db", instead it is "database"`)),
  modelCase('service-without-type', ['services'], about('services', servicesOf('service-without-type'), "service 'db': mandatory attribute `type' is missing (the Dysnomia module that activates it, or \"package\")")),
  modelCase('service-type-not-a-string', ['services'], about('services', servicesOf('service-type-not-a-string'), "service 'db': `type' must be a string, but it is a list")),
  modelCase('service-type-escapes-modules', ['services'], about('services', servicesOf('service-type-escapes-modules'), `service 'db': the type "../../../../usr/bin/touch" is not valid: a type is a Dysnomia module name (${NAME_RULE}) or an absolute path to a module`)),
  modelCase('service-without-pkg', ['services'], about('services', servicesOf('service-without-pkg'), "service 'db': mandatory attribute `pkg' is missing")),
  modelCase('service-pkg-not-a-derivation', ['services'], about('services', servicesOf('service-pkg-not-a-derivation'), "service 'db': `pkg' must be a derivation (a package), but it is a string")),
  modelCase('service-pkg-function-without-dependencies', ['services'], about('services', servicesOf('service-pkg-function-without-dependencies'), "service 'db': `pkg' is a function, but the service has no inter-dependencies (dependsOn or connectsTo) to call it with")),
  modelCase('service-deploy-state-not-boolean', ['services'], about('services', servicesOf('service-deploy-state-not-boolean'), "service 'db': `deployState' must be true or false")),
  modelCase('service-depends-on-not-an-attribute-set', ['services'], about('services', servicesOf('service-depends-on-not-an-attribute-set'), "service 'web': `dependsOn' must be an attribute set of parameter name to service")),
  modelCase('service-depends-on-unknown-service', ['services'], about('services', servicesOf('service-depends-on-unknown-service'), "service 'web': dependsOn.cache refers to service 'cache', which is not in the services model")),
  modelCase('service-depends-on-package', ['services'], about('services', servicesOf('service-depends-on-package'), "service 'web': dependsOn.db: It is not allowed to have an inter-dependency on service: db because it has a package type!")),
  modelCase('service-depends-on-undistributed', ['distribution'], (f) => coordinator(`services model ${join(BASE(f), 'services.nix')}: service 'web': dependsOn.db refers to service 'db', which is not distributed to any target (add it to the distribution model ${model(f, 'service-depends-on-undistributed', 'distribution.nix')})`)),
  modelCase('service-pkg-takes-undeclared-argument', ['services'], about('services', servicesOf('service-pkg-takes-undeclared-argument'), "service 'web': its `pkg' function takes the argument 'cache', but it is not among the service's inter-dependencies (dependsOn and connectsTo give: 'db'); add it to dependsOn or connectsTo, or give it a default")),
  modelCase('services-depends-on-cycle', ['services'], about('services', servicesOf('services-depends-on-cycle'), "cyclic dependsOn/activatesAfter between services 'db', 'web'")),
  modelCase('services-activates-after-cycle', ['services'], about('services', servicesOf('services-activates-after-cycle'), "cyclic dependsOn/activatesAfter between services 'db', 'web'")),
  modelCase('service-name-with-space', ['services'], about('services', servicesOf('service-name-with-space'), `service "my service" is not a valid name: ${NAME_RULE}`)),
  modelCase('service-name-with-semicolon', ['services'], about('services', servicesOf('service-name-with-semicolon'), `service "a;b" is not a valid name: ${NAME_RULE}`)),
  modelCase('service-name-with-command-substitution', ['services'], about('services', servicesOf('service-name-with-command-substitution'), `service "x$(touch /tmp/pwned)" is not a valid name: ${NAME_RULE}`)),
  modelCase('service-name-with-quotes', ['services'], about('services', servicesOf('service-name-with-quotes'), `service "it's \\"quoted\\"" is not a valid name: ${NAME_RULE}`)),
  modelCase('service-name-with-slash', ['services'], about('services', servicesOf('service-name-with-slash'), `service "a/b" is not a valid name: ${NAME_RULE}`)),
  modelCase('service-name-dot-dot', ['services'], about('services', servicesOf('service-name-dot-dot'), `service ".." is not a valid name: ${NAME_RULE}`)),
  modelCase('service-provides-invalid-container', ['services'], about('services', servicesOf('service-provides-invalid-container'), `service 'db': \`providesContainer': container "../mysql" is not a valid name: ${NAME_RULE}`)),
  modelCase('service-provides-containers-invalid-name', ['services'], about('services', servicesOf('service-provides-containers-invalid-name'), `service 'db': \`providesContainers': container "my container" is not a valid name: ${NAME_RULE}`)),
  modelCase('services-undefined-variable', ['services'], (f) => new RegExp(`^\\[coordinator\\]: undefined variable 'mkServce'\\n\\n\\s+at ${literal(servicesOf('services-undefined-variable')(f))}:\\d+:\\d+:`)),
  {
    name: 'services model that does not exist',
    tool: 'disnix-manifest',
    args: (f) => ['-s', join(f.models, 'no-such-services.nix'), '-i', join(BASE(f), 'infrastructure.nix'), '-d', join(BASE(f), 'distribution.nix')],
    message: (f) => coordinator(`The services model file: ${join(f.models, 'no-such-services.nix')} does not exist`),
  },
  {
    name: 'services model that is a directory without default.nix',
    tool: 'disnix-manifest',
    args: (f) => ['-s', join(f.models, 'services-model-directory-without-default'), '-i', join(BASE(f), 'infrastructure.nix'), '-d', join(BASE(f), 'distribution.nix')],
    message: (f) => coordinator(`The services model file: ${join(f.models, 'services-model-directory-without-default')} is a directory without a default.nix`),
  },
  {
    name: 'services model that nobody may read',
    tool: 'disnix-manifest',
    asNobody: true,
    args: (f) => models(f, 'services-model-unreadable', ['services']),
    message: (f) => coordinator(`The services model file: ${servicesOf('services-model-unreadable')(f)} cannot be read: permission denied`),
  },
  {
    name: 'services model in a directory that nobody may enter',
    tool: 'disnix-manifest',
    asNobody: true,
    args: (f) => ['-s', join(f.models, 'services-model-in-closed-directory', 'closed', 'services.nix'), '-i', join(BASE(f), 'infrastructure.nix'), '-d', join(BASE(f), 'distribution.nix')],
    message: (f) => coordinator(`The services model file: ${join(f.models, 'services-model-in-closed-directory', 'closed', 'services.nix')} cannot be read: permission denied`),
  },
]

// ---------------------------------------------------------------------------------------------
// Infrastructure model (disnix-manifest, and the tools that evaluate it on their own)

const infra = (c: string) => (f: Fixture) => model(f, c, 'infrastructure.nix')
const infraCase = (name: string, text: string, tool = 'disnix-manifest'): Case =>
  tool === 'disnix-manifest'
    ? modelCase(name, ['infrastructure'], about('infrastructure', infrastructureOf(name), text))
    : { name: `${tool}: ${name}`, tool, args: (f) => [infra(name)(f)], message: about('infrastructure', infrastructureOf(name), text) }

const infrastructureCases: Case[] = [
  modelCase('infrastructure-syntax-error', ['infrastructure'], nixSyntax(infrastructureOf('infrastructure-syntax-error'))),
  infraCase('infrastructure-is-a-list', 'the infrastructure model must be an attribute set of target machines, but it is a list'),
  infraCase('target-not-an-attribute-set', "target 'test2' must be an attribute set, but it is a string"),
  infraCase('target-without-properties', "target 'test2' has no `properties' attribute set (machine properties such as hostname live under `properties')"),
  infraCase('target-properties-not-an-attribute-set', "target 'test2': `properties' must be an attribute set"),
  infraCase('target-without-address', "target 'test2' has no property 'hostname' in its properties (the targetProperty that holds its address); set properties.hostname or choose another --target-property"),
  infraCase('target-zero-cores', "target 'test2': numOfCores must be a whole number of at least 1, but it is 0"),
  infraCase('target-cores-not-a-number', `target 'test2': numOfCores must be a whole number of at least 1, but it is "2"`),
  infraCase('target-containers-not-an-attribute-set', "target 'test2': `containers' must be an attribute set of container name to properties"),
  infraCase('target-container-name-with-slash', `target 'test1': container "../../etc" is not a valid name: ${NAME_RULE}`),
  infraCase('target-name-with-space', `target "test 3" is not a valid name: ${NAME_RULE}`),
  infraCase('target-name-dot-dot-slash', `target "../x" is not a valid name: ${NAME_RULE}`),
  infraCase('target-name-with-command-substitution', `target "$(reboot)" is not a valid name: ${NAME_RULE}`),
  infraCase('target-property-not-a-string', "target 'test2': `targetProperty' must be a string (the name of the property that holds its address), but it is a list"),
  infraCase('target-client-interface-not-a-string', "target 'test2': `clientInterface' must be a string (the client interface executable), but it is null"),
  infraCase('target-system-not-a-string', `target 'test2': \`system' must be a string such as "x86_64-linux", but it is an integer`),
  infraCase('infrastructure-is-a-list', 'the infrastructure model must be an attribute set of target machines, but it is a list', 'disnix-query'),
  infraCase('target-name-with-space', `target "test 3" is not a valid name: ${NAME_RULE}`, 'disnix-capture-infra'),
  infraCase('target-without-address', "target 'test2' has no property 'hostname' in its properties (the targetProperty that holds its address); set properties.hostname or choose another --target-property", 'disnix-collect-garbage'),
  infraCase('target-zero-cores', "target 'test2': numOfCores must be a whole number of at least 1, but it is 0", 'disnix-clean-snapshots'),
  infraCase('target-container-name-with-slash', `target 'test1': container "../../etc" is not a valid name: ${NAME_RULE}`, 'disnix-normalize-infra'),
  infraCase('target-not-an-attribute-set', "target 'test2' must be an attribute set, but it is a string", 'disnix-capture-manifest'),
  {
    name: 'disnix-reconstruct: an infrastructure model with an invalid target name',
    tool: 'disnix-reconstruct',
    args: (f) => [...profileDir(f), infra('target-name-dot-dot-slash')(f)],
    message: about('infrastructure', infrastructureOf('target-name-dot-dot-slash'), `target "../x" is not a valid name: ${NAME_RULE}`),
  },
  {
    name: 'disnix-query: an infrastructure model that does not exist',
    tool: 'disnix-query',
    args: (f) => [join(f.models, 'no-such-infrastructure.nix')],
    message: (f) => coordinator(`The infrastructure model: ${join(f.models, 'no-such-infrastructure.nix')} does not exist`),
  },
  {
    name: 'disnix-query: an infrastructure model that nobody may read',
    tool: 'disnix-query',
    asNobody: true,
    args: (f) => [infra('infrastructure-unreadable')(f)],
    message: (f) => coordinator(`The infrastructure model: ${infra('infrastructure-unreadable')(f)} cannot be read: permission denied`),
  },
  {
    name: 'disnix-manifest: an infrastructure model that nobody may read',
    tool: 'disnix-manifest',
    asNobody: true,
    args: (f) => models(f, 'infrastructure-unreadable', ['infrastructure']),
    message: (f) => coordinator(`The infrastructure model file: ${infra('infrastructure-unreadable')(f)} cannot be read: permission denied`),
  },
  {
    name: 'disnix-query --xml: malformed infrastructure XML',
    tool: 'disnix-query',
    args: (f) => ['--xml', model(f, 'infrastructure-xml-malformed', 'infrastructure.xml')],
    message: (f) => coordinator(`${model(f, 'infrastructure-xml-malformed', 'infrastructure.xml')}: malformed XML: the document ends before <infrastructure>, <target>, <properties> are closed (is the file cut off?)`),
  },
  {
    name: 'disnix-collect-garbage --xml: an empty infrastructure XML file',
    tool: 'disnix-collect-garbage',
    args: (f) => ['--xml', model(f, 'infrastructure-xml-empty', 'infrastructure.xml')],
    message: (f) => coordinator(`${model(f, 'infrastructure-xml-empty', 'infrastructure.xml')}: the file is empty; expected infrastructure XML (<infrastructure version="2">)`),
  },
  {
    name: 'disnix-capture-infra --xml: XML with another root element',
    tool: 'disnix-capture-infra',
    args: (f) => ['--xml', model(f, 'infrastructure-xml-wrong-root', 'infrastructure.xml')],
    message: (f) => coordinator(`${model(f, 'infrastructure-xml-wrong-root', 'infrastructure.xml')}: expected an <infrastructure> root element, found <manifest>`),
  },
]

// ---------------------------------------------------------------------------------------------
// Distribution model

const distCase = (name: string, text: string, tool = 'disnix-manifest'): Case => modelCase(name, ['distribution'], about('distribution', distributionOf(name), text), tool)

const distributionCases: Case[] = [
  modelCase('distribution-syntax-error', ['distribution'], nixSyntax(distributionOf('distribution-syntax-error'))),
  distCase('distribution-not-a-function', 'the distribution model must be a function, but it is an attribute set'),
  distCase('distribution-returns-a-number', 'the distribution model must return an attribute set of service name to targets, but it returns an integer'),
  distCase('distribution-mapping-is-a-number', "the mapping of service 'db' must be a list of targets or { targets = [ { target = ...; container = ...; } ]; }, but it is an integer"),
  modelCase('distribution-unknown-service', ['distribution'], (f) => coordinator(`distribution model ${distributionOf('distribution-unknown-service')(f)}: the distribution model contains a mapping of service 'a', which is not in the services model ${join(BASE(f), 'services.nix')}`)),
  modelCase('distribution-unknown-target', ['distribution'], (f) => new RegExp(`^\\[coordinator\\]: attribute 'test3' missing\\n\\n\\s+at ${literal(distributionOf('distribution-unknown-target')(f))}:5:10:`)),
  modelCase('distribution-foreign-target', ['distribution'], (f) => coordinator(`distribution model ${distributionOf('distribution-foreign-target')(f)}: service 'db' refers to a target that is not in the infrastructure model ${join(BASE(f), 'infrastructure.nix')} (its hostname is 'elsewhere')`)),
  distCase('distribution-target-as-string', `service 'db' refers to a target by the string "test2"; refer to the target itself, e.g. infrastructure.test2`),
  distCase('distribution-container-entry-in-list', "service 'db': a list of targets holds an entry { target = ...; container = ...; }; mappings to containers are written { targets = [ { target = ...; container = ...; } ]; }"),
  distCase('distribution-container-dot-dot', `service 'db': container "../../etc" is not a valid name: ${NAME_RULE}`),
  distCase('distribution-container-with-space', `service 'db': container "my container" is not a valid name: ${NAME_RULE}`),
  distCase('distribution-container-not-a-string', "service 'db': the container of a target entry must be a string"),
  distCase('distribution-targets-entry-without-target', "service 'db': every entry of `targets' must be { target = ...; container = ...; }"),
  distCase('distribution-container-dot-dot', `service 'db': container "../../etc" is not a valid name: ${NAME_RULE}`, 'disnix-instantiate'),
  {
    ...distCase('distribution-mapping-is-a-number', "the mapping of service 'db' must be a list of targets or { targets = [ { target = ...; container = ...; } ]; }, but it is an integer", 'disnix-env'),
    progress: ['[coordinator]: Building manifest...'],
  },
  {
    name: 'distribution model that nobody may read',
    tool: 'disnix-manifest',
    asNobody: true,
    args: (f) => models(f, 'distribution-unreadable', ['distribution']),
    message: (f) => coordinator(`The distribution model file: ${distributionOf('distribution-unreadable')(f)} cannot be read: permission denied`),
  },
]
// The same case twice for two tools needs distinct names.
for (const c of distributionCases.slice(-3, -1)) c.name = `${c.tool}: ${c.name}`

// ---------------------------------------------------------------------------------------------
// Packages, architecture, deployment and build models

const packagesCase = (name: string, text: string): Case => modelCase(name, ['packages'], about('packages', packagesOf(name), text))
const architectureCase = (name: string, text: string): Case => ({
  name,
  tool: 'disnix-manifest',
  args: (f) => ['-A', architectureOf(name)(f)],
  message: about('architecture', architectureOf(name), text),
})
const deploymentCase = (name: string, text: string): Case => ({
  name,
  tool: 'disnix-manifest',
  args: (f) => ['-D', deploymentOf(name)(f)],
  message: about('deployment', deploymentOf(name), text),
})
const buildCase = (name: string, text: string): Case => ({
  name,
  tool: 'disnix-instantiate',
  args: (f) => ['-B', buildOf(name)(f)],
  message: about('build', buildOf(name), text),
})

const otherModelCases: Case[] = [
  modelCase('packages-syntax-error', ['packages'], nixSyntax(packagesOf('packages-syntax-error'))),
  packagesCase('packages-not-a-function', 'the packages model must be a function, but it is an attribute set'),
  packagesCase('packages-returns-a-list', 'the packages model must return an attribute set of target name to a list of packages, but it returns a list'),
  packagesCase('packages-of-target-not-a-list', "the packages of target 'test1' must be a list, but it is a string"),
  packagesCase('packages-element-not-a-package', "the packages of target 'test1' must be derivations (packages), but one is an integer"),
  modelCase('packages-unknown-target', ['packages'], (f) => coordinator(`packages model ${packagesOf('packages-unknown-target')(f)}: target 'test9' is not in the infrastructure model ${join(BASE(f), 'infrastructure.nix')}`)),
  { name: 'architecture-syntax-error', tool: 'disnix-manifest', args: (f) => ['-A', architectureOf('architecture-syntax-error')(f)], message: nixSyntax(architectureOf('architecture-syntax-error')) },
  architectureCase('architecture-not-a-function', 'the architecture model must be a function { pkgs, system }: ..., but it is an attribute set'),
  architectureCase('architecture-returns-a-number', 'the architecture model must return an attribute set { services, infrastructure, targetPackages }, but it returns an integer'),
  architectureCase('architecture-services-not-an-attribute-set', "`services' must be an attribute set of services, but it is a list"),
  architectureCase('architecture-target-packages-not-an-attribute-set', "`targetPackages' must be an attribute set of target name to a list of packages, but it is a list"),
  architectureCase('architecture-infrastructure-is-a-list', 'the infrastructure model must be an attribute set of target machines, but it is a list'),
  architectureCase('architecture-service-name-with-dollar', `service "$HOME" is not a valid name: ${NAME_RULE}`),
  { name: 'deployment-syntax-error', tool: 'disnix-manifest', args: (f) => ['-D', deploymentOf('deployment-syntax-error')(f)], message: nixSyntax(deploymentOf('deployment-syntax-error')) },
  deploymentCase('deployment-not-an-attribute-set', 'the deployment model must be an attribute set { profiles, services, infrastructure, serviceMappings, snapshotMappings }'),
  deploymentCase('deployment-profiles-not-an-attribute-set', "`profiles' must be an attribute set of target name to profile, but it is a string"),
  deploymentCase('deployment-services-is-a-list', "`services' must be an attribute set of service key to service, but it is a list"),
  deploymentCase('deployment-mapping-container-escapes', `serviceMappings[0]: container "../../etc" is not a valid name: ${NAME_RULE}`),
  deploymentCase('deployment-mapping-unknown-service', "serviceMappings[0] refers to service \"k1\", which is not in `services'"),
  deploymentCase('deployment-service-type-escapes', `services."k1": the type "../bin/sh" is not valid: a type is a Dysnomia module name (${NAME_RULE}) or an absolute path to a module`),
  deploymentCase('deployment-snapshot-component-escapes', 'snapshotMappings[0]: component "../web" is not a valid component name (the name of a store path without its hash)'),
  { name: 'build-syntax-error', tool: 'disnix-instantiate', args: (f) => ['-B', buildOf('build-syntax-error')(f)], message: nixSyntax(buildOf('build-syntax-error')) },
  buildCase('build-not-an-attribute-set', 'the build model must be an attribute set { derivationMappings, interfaces }'),
  buildCase('build-mappings-not-a-list', "`derivationMappings' must be a list, but it is an attribute set"),
  buildCase('build-unknown-interface', "derivationMappings[0] refers to interface \"test9\", which is not in `interfaces'"),
  buildCase('build-interface-name-invalid', `\`interfaces': target "test 1" is not a valid name: ${NAME_RULE}`),
  buildCase('build-derivation-not-a-drv', 'derivationMappings[0]: `derivation\' must be the path of a store derivation (.drv), but it is "/etc/passwd"'),
]

// ---------------------------------------------------------------------------------------------
// --extra-params

const extraParamsCases: Case[] = [
  {
    name: 'disnix-manifest --extra-params with a list',
    tool: 'disnix-manifest',
    args: (f) => [...models(f, 'base', []), '--extra-params', '[ 1 2 ]'],
    message: () => coordinator('--extra-params: expected an attribute set such as { prefix = "x"; }, but "[ 1 2 ]" is a list'),
  },
  {
    name: 'disnix-instantiate --extra-params with a syntax error',
    tool: 'disnix-instantiate',
    args: (f) => [...models(f, 'base', []), '--extra-params', '{ prefix = ; }'],
    message: () => new RegExp(`^${literal('[coordinator]: --extra-params: "{ prefix = ; }" is not a Nix expression that evaluates: syntax error, unexpected')}`),
  },
  {
    name: 'disnix-env --extra-params with a string',
    tool: 'disnix-env',
    args: (f) => [...models(f, 'base', []), ...profileDir(f), '--extra-params', '"fancy"'],
    progress: ['[coordinator]: Building manifest...'],
    message: () => coordinator('--extra-params: expected an attribute set such as { prefix = "x"; }, but "\\"fancy\\"" is a string'),
  },
  {
    name: 'disnix-manifest -A --extra-params with an undefined variable',
    tool: 'disnix-manifest',
    args: (f) => ['-A', architectureOf('architecture-returns-a-number')(f), '--extra-params', 'prefix'],
    message: () => coordinator(`--extra-params: "prefix" is not a Nix expression that evaluates: undefined variable 'prefix'`),
  },
  {
    name: 'disnix-gendist-roundrobin --extra-params with a list',
    tool: 'disnix-gendist-roundrobin',
    args: (f) => ['-s', join(BASE(f), 'services.nix'), '-i', join(BASE(f), 'infrastructure.nix'), '--extra-params', '[ 1 ]'],
    message: () => coordinator('--extra-params: expected an attribute set such as { prefix = "x"; }, but the expression is a list'),
  },
  {
    name: 'disnix-gendist-roundrobin with a service name that would break the generated model',
    tool: 'disnix-gendist-roundrobin',
    args: (f) => ['-s', servicesOf('service-name-with-semicolon')(f), '-i', join(BASE(f), 'infrastructure.nix')],
    message: about('services', servicesOf('service-name-with-semicolon'), `service "a;b" is not a valid name: ${NAME_RULE}`),
  },
]

// ---------------------------------------------------------------------------------------------
// Manifests, for every tool that reads one

const EXPECTED_MANIFEST = 'a deployment manifest (<manifest version="2">, as disnix-manifest writes it)'
const emptyManifestMessage = (f: Fixture) => coordinator(`${manifest(f, 'empty.xml')}: the file is empty; expected ${EXPECTED_MANIFEST}`)

/** The tools that take a version 2 manifest, and the options each needs besides it. */
const MANIFEST_TOOLS: [tool: string, extra: (f: Fixture) => string[]][] = [
  ['disnix-activate', profileDir],
  ['disnix-compare-manifest', profileDir],
  ['disnix-delete-state', profileDir],
  ['disnix-deploy', profileDir],
  ['disnix-diagnose', (f) => ['-S', 'web', ...profileDir(f)]],
  ['disnix-distribute', () => []],
  ['disnix-lock', profileDir],
  ['disnix-migrate', profileDir],
  ['disnix-restore', profileDir],
  ['disnix-set', profileDir],
  ['disnix-snapshot', profileDir],
  ['disnix-visualize', profileDir],
  ['dydisnix-previous-distribution', () => []],
]

const manifestCases: Case[] = [
  ...MANIFEST_TOOLS.map(
    ([tool, extra]): Case => ({
      name: `${tool}: an empty manifest file`,
      tool,
      args: (f) => [...extra(f), manifest(f, 'empty.xml')],
      message: emptyManifestMessage,
    }),
  ),
  {
    name: 'disnix-convert: an empty version 1 manifest file',
    tool: 'disnix-convert',
    args: (f) => ['-i', join(BASE(f), 'infrastructure.nix'), ...profileDir(f), manifest(f, 'v1-empty.xml')],
    progress: ['[coordinator]: Converting old profile manifest...'],
    message: (f) => coordinator(`${manifest(f, 'v1-empty.xml')}: the file is empty; expected a version 1 manifest (<manifest version="1">)`),
  },
  {
    name: 'disnix-convert-manifest: a version 1 manifest that is not XML',
    tool: 'disnix-convert-manifest',
    args: (f) => ['-i', join(BASE(f), 'infrastructure.nix'), ...profileDir(f), manifest(f, 'v1-garbage.xml')],
    message: (f) => coordinator(`${manifest(f, 'v1-garbage.xml')}: malformed XML at line 1, column 1: char '{' is not expected.`),
  },
  {
    name: 'disnix-deploy: a file that is not XML',
    tool: 'disnix-deploy',
    args: (f) => [...profileDir(f), manifest(f, 'garbage.xml')],
    message: (f) => coordinator(`${manifest(f, 'garbage.xml')}: malformed XML at line 1, column 1: char 'T' is not expected.`),
  },
  {
    name: 'disnix-distribute: a manifest that is cut off',
    tool: 'disnix-distribute',
    args: (f) => [manifest(f, 'truncated.xml')],
    message: (f) => coordinator(`${manifest(f, 'truncated.xml')}: malformed XML: the document ends before <manifest>, <services>, <service>, <pkg> are closed (is the file cut off?)`),
  },
  {
    name: 'disnix-activate: a profile manifest instead of a manifest',
    tool: 'disnix-activate',
    args: (f) => [...profileDir(f), manifest(f, 'wrong-root.xml')],
    message: (f) => coordinator(`${manifest(f, 'wrong-root.xml')}: the root element is <profilemanifest>; expected ${EXPECTED_MANIFEST}`),
  },
  {
    name: 'disnix-deploy: a version 1 manifest',
    tool: 'disnix-deploy',
    args: (f) => [...profileDir(f), manifest(f, 'version-1.xml')],
    message: () => /^\[coordinator\]: Disnix requires a manifest that uses the version 2 structure!\nhint: You can convert an old V1 version manifest file by running disnix-convert!\n$/,
  },
  {
    name: 'disnix-lock: two manifests in one file',
    tool: 'disnix-lock',
    args: (f) => [...profileDir(f), manifest(f, 'two-roots.xml')],
    message: (f) => coordinator(`${manifest(f, 'two-roots.xml')}: malformed XML: more than one root element (<manifest>, <manifest>); expected ${EXPECTED_MANIFEST}`),
  },
  {
    name: 'disnix-set: mappings that refer to services and targets the manifest lacks',
    tool: 'disnix-set',
    args: (f) => [...profileDir(f), manifest(f, 'dangling-references.xml')],
    message: (f) => coordinator(`The manifest: ${manifest(f, 'dangling-references.xml')} is invalid:\nService mapping: 0 contains an incorrect reference to service: ${'f'.repeat(64)}\nService mapping: 0 contains an incorrect reference to target: test9\n`),
  },
  {
    name: 'disnix-deploy: a mapping to a container that leaves the containers directory',
    tool: 'disnix-deploy',
    args: (f) => [...profileDir(f), manifest(f, 'container-escapes.xml')],
    message: (f) => coordinator(`The manifest: ${manifest(f, 'container-escapes.xml')} is invalid:\nService mapping: 0: container "../../etc" is not a valid name: ${NAME_RULE}\n`),
  },
  {
    name: 'disnix-activate: a service whose type leaves the modules path',
    tool: 'disnix-activate',
    args: (f) => [...profileDir(f), manifest(f, 'service-type-escapes.xml')],
    message: (f) => new RegExp(`^${literal(`[coordinator]: The manifest: ${manifest(f, 'service-type-escapes.xml')} is invalid:\nService: 0123456789abcdef`)}[0-9a-f]*: the type "\\.\\./\\.\\./\\.\\./\\.\\./usr/bin/touch" is not valid: `),
  },
  {
    name: 'disnix-migrate: a target name with a space',
    tool: 'disnix-migrate',
    args: (f) => [...profileDir(f), manifest(f, 'target-name-invalid.xml')],
    message: (f) => coordinator(`The manifest: ${manifest(f, 'target-name-invalid.xml')} is invalid:\nTarget: target "test 1" is not a valid name: ${NAME_RULE}\n`),
  },
  {
    name: 'disnix-snapshot: a snapshot component that leaves the snapshot store',
    tool: 'disnix-snapshot',
    args: (f) => [...profileDir(f), manifest(f, 'snapshot-component-escapes.xml')],
    message: (f) => coordinator(`The manifest: ${manifest(f, 'snapshot-component-escapes.xml')} is invalid:\nSnapshot mapping: 0 has an invalid component: "../../web" (the name of a store path without its hash)\n`),
  },
  {
    name: 'disnix-deploy: a manifest outside the Nix store',
    tool: 'disnix-deploy',
    args: (f) => [...profileDir(f), manifest(f, 'outside-store.xml')],
    progress: ['[coordinator]: The deployment failed! Please inspect the output to diagnose any problems!'],
    message: (f) => coordinator(`The manifest: ${manifest(f, 'outside-store.xml')} is not in the Nix store, so the coordinator profile cannot record it\nhint: deploy the manifest that disnix-manifest built (its store path), or use --no-coordinator-profile\n`),
  },
  {
    name: 'disnix-compare-manifest: a gzip file',
    tool: 'disnix-compare-manifest',
    args: (f) => [...profileDir(f), manifest(f, 'binary.xml')],
    message: (f) => coordinator(`${manifest(f, 'binary.xml')}: malformed XML at line 1, column 1: `),
  },
  {
    name: 'disnix-snapshot: a directory instead of a manifest',
    tool: 'disnix-snapshot',
    args: (f) => [...profileDir(f), f.models],
    message: (f) => coordinator(`The manifest file: ${f.models} is a directory`),
  },
  {
    name: 'disnix-restore: a manifest that does not exist',
    tool: 'disnix-restore',
    args: (f) => [...profileDir(f), join(f.models, 'no-such-manifest.xml')],
    message: (f) => coordinator(`The manifest file: ${join(f.models, 'no-such-manifest.xml')} does not exist`),
  },
  {
    name: 'disnix-visualize: a manifest that nobody may read',
    tool: 'disnix-visualize',
    asNobody: true,
    args: (f) => [...profileDir(f), join(f.models, 'closed', 'manifest.xml')],
    message: (f) => coordinator(`The manifest file: ${join(f.models, 'closed', 'manifest.xml')} cannot be read (permission denied)`),
  },
  {
    name: 'disnix-lock without a manifest and without a deployment',
    tool: 'disnix-lock',
    args: (f) => profileDir(f),
    message: () => /^\[coordinator\]: No manifest specified and no previous deployment is known!\nhint: give a manifest file, or deploy first \(disnix-env\)\n$/,
  },
  {
    name: 'disnix-build: an empty distributed derivation file',
    tool: 'disnix-build',
    args: (f) => [manifest(f, 'distributed-derivation-empty.xml')],
    message: (f) => coordinator(`${manifest(f, 'distributed-derivation-empty.xml')}: the file is empty; expected a distributed derivation (<distributedderivation>, as disnix-instantiate writes it)`),
  },
  {
    name: 'disnix-build: a distributed derivation that is not XML',
    tool: 'disnix-build',
    args: (f) => [manifest(f, 'distributed-derivation-garbage.xml')],
    message: (f) => coordinator(`${manifest(f, 'distributed-derivation-garbage.xml')}: malformed XML at line 1, column 1: char 'd' is not expected.`),
  },
  {
    name: 'disnix-build: a manifest instead of a distributed derivation',
    tool: 'disnix-build',
    args: (f) => [manifest(f, 'distributed-derivation-wrong-root.xml')],
    message: (f) => coordinator(`${manifest(f, 'distributed-derivation-wrong-root.xml')}: expected a <distributedderivation> root element, found <manifest>`),
  },
]

// ---------------------------------------------------------------------------------------------
// Options of every tool

const optionMessage = (flags: string, value: string, expected: string) => starts(`error: option '${flags}' argument '${value}' is invalid. ${expected}`)
const PROFILE_EXPECTED = `expected a profile name (${NAME_RULE})`
/** The target's tools check profile names with the client-interface protocol's own message. */
const TARGET_TOOLS = new Set(['disnix-run-activity', 'disnix-client'])

/** Arguments that satisfy each tool's required options, so that the option under test is the one reported. */
const REQUIRED: Record<string, string[]> = {
  'disnix-convert': ['-i', 'infrastructure.nix'],
  'disnix-convert-manifest': ['-i', 'infrastructure.nix'],
  'disnix-diagnose': ['-S', 'web'],
  'disnix-gendist-roundrobin': ['-s', 'services.nix', '-i', 'infrastructure.nix'],
  'dydisnix-augment-infra': ['-i', 'infrastructure.nix', '-a', 'augment.nix'],
  'dydisnix-divide': ['--strategy', 'greedy', '--services', 'services.xml', '--infrastructure', 'infrastructure.xml', '--distribution', 'distribution.xml', '--service-property', 'x', '--target-property', 'y'],
  'dydisnix-document-services': ['-s', 'services.nix'],
  'dydisnix-env': ['-s', 'services.nix', '-i', 'infrastructure.nix', '-q', 'qos.nix'],
  'dydisnix-filter-buildable': ['-s', 'services.nix', '-i', 'infrastructure.nix', '-d', 'distribution.nix'],
  'dydisnix-gendist': ['-s', 'services.nix', '-i', 'infrastructure.nix', '-q', 'qos.nix'],
  'dydisnix-generate-services-docs': ['-s', 'services.nix', '-f', 'docs.nix'],
  'dydisnix-graphcol': ['-s', 'services.nix', '-i', 'infrastructure.nix'],
  'dydisnix-id-assign': ['-s', 'services.nix', '--id-resources', 'idresources.nix'],
  'dydisnix-minsetcover': ['-s', 'services.nix', '-i', 'infrastructure.nix', '-d', 'distribution.nix', '--target-property', 'cost'],
  'dydisnix-multiwaycut': ['-s', 'services.nix', '-i', 'infrastructure.nix', '-d', 'distribution.nix'],
  'dydisnix-self-adapt': ['-s', 'services.nix', '-i', 'infrastructure.nix', '-q', 'qos.nix'],
  'dydisnix-visualize-infra': ['-i', 'infrastructure.nix'],
  'dydisnix-visualize-services': ['-s', 'services.nix'],
}

const ALL_TOOLS = readdirSync(join(installRoot(), 'bin'))
  .filter((tool) => /^(disnix|dydisnix|dysnomia)-|^dysnomia$/.test(tool))
  .sort()

/** Tools with -m/--max-concurrent-transfers, --keep and -p/--profile. */
const MAX_TRANSFER_TOOLS = ['disnix-build', 'disnix-capture-manifest', 'disnix-delegate', 'disnix-deploy', 'disnix-distribute', 'disnix-env', 'disnix-migrate', 'disnix-reconstruct', 'disnix-restore', 'disnix-snapshot']
const KEEP_TOOLS = ['disnix-clean-snapshots', 'disnix-deploy', 'disnix-env', 'disnix-migrate', 'disnix-restore', 'disnix-snapshot', 'disnix-run-activity', 'disnix-client', 'disnix-ssh-client', 'dysnomia-snapshots']
const PROFILE_TOOLS = [
  'disnix-activate',
  'disnix-capture-manifest',
  'disnix-compare-manifest',
  'disnix-convert',
  'disnix-convert-manifest',
  'disnix-delete-state',
  'disnix-deploy',
  'disnix-diagnose',
  'disnix-env',
  'disnix-lock',
  'disnix-migrate',
  'disnix-query',
  'disnix-reconstruct',
  'disnix-restore',
  'disnix-set',
  'disnix-snapshot',
  'disnix-visualize',
  'disnix-run-activity',
  'disnix-client',
  'dydisnix-previous-distribution',
  'dydisnix-gendist',
]

const optionCases: Case[] = [
  ...ALL_TOOLS.map(
    (tool): Case => ({
      name: `${tool}: an unknown option`,
      tool,
      args: () => [...(REQUIRED[tool] ?? []), '--bogus-option'],
      message: () => starts("error: unknown option '--bogus-option'"),
    }),
  ),
  ...MAX_TRANSFER_TOOLS.map(
    (tool): Case => ({
      name: `${tool}: -m that is not a number`,
      tool,
      args: () => ['-m', 'many'],
      message: () => optionMessage('-m, --max-concurrent-transfers <n>', 'many', 'expected a whole number of at least 1'),
    }),
  ),
  ...KEEP_TOOLS.map(
    (tool): Case => ({
      name: `${tool}: --keep that is not a number`,
      tool,
      args: () => ['--keep', '-1'],
      message: () => optionMessage('--keep <n>', '-1', 'expected a whole number'),
    }),
  ),
  ...PROFILE_TOOLS.map(
    (tool): Case => ({
      name: `${tool}: -p with a path in the profile name`,
      tool,
      args: () => [...(REQUIRED[tool] ?? []), '-p', '../../x'],
      // The target's tools refuse it with the protocol's message, as their served requests do.
      message: () => (TARGET_TOOLS.has(tool) ? starts('ERROR: Invalid profile name: "../../x"\n') : optionMessage('-p, --profile <name>', '../../x', PROFILE_EXPECTED)),
    }),
  ),
  ...['disnix-env', 'disnix-deploy', 'disnix-query', 'disnix-run-activity'].map(
    (tool): Case => ({
      name: `${tool}: DISNIX_PROFILE with a path in the profile name`,
      tool,
      // disnix-env without arguments prints its usage; an operation makes it parse its options.
      args: () => (tool === 'disnix-env' ? ['--list-generations'] : []),
      env: () => ({ DISNIX_PROFILE: 'a/b' }),
      message: () =>
        TARGET_TOOLS.has(tool) ? starts('ERROR: Invalid profile name: "a/b"\n') : starts(`error: option '-p, --profile <name>' value 'a/b' from env 'DISNIX_PROFILE' is invalid. ${PROFILE_EXPECTED}`),
    }),
  ),
  ...(
    [
      ['disnix-env', ['-s']],
      ['disnix-manifest', ['-i']],
      ['disnix-deploy', ['-o']],
      ['disnix-query', ['--interface']],
      ['disnix-snapshot', ['-c']],
      ['disnix-copy-closure', ['--to', '-t']],
      ['dysnomia-snapshots', ['--query-all', '--container']],
    ] as const
  ).map(
    ([tool, args]): Case => ({
      name: `${tool}: ${args.at(-1)} without its value`,
      tool,
      args: () => [...args],
      message: () => new RegExp(`^error: option '[^']*${literal(args.at(-1) as string)}[^']*' argument missing`),
    }),
  ),
  {
    name: 'disnix-env: --switch-to-generation that is not a number',
    tool: 'disnix-env',
    args: () => ['--switch-to-generation', 'latest'],
    message: () => optionMessage('--switch-to-generation <n>', 'latest', 'expected a whole number'),
  },
  {
    name: 'disnix-env: --delete-generations that is not a generation',
    tool: 'disnix-env',
    args: (f) => [...profileDir(f), '--delete-generations', 'yesterday'],
    message: () => coordinator('Invalid generations: yesterday (expected numbers, Nd or old)'),
  },
  {
    name: 'disnix-env: --list-generations of a coordinator profile directory that does not exist',
    tool: 'disnix-env',
    args: (f) => ['--list-generations', '--coordinator-profile-path', join(f.root, 'no-such-dir')],
    message: (f) => coordinator(`No deployment is recorded for profile: default: the coordinator profile directory ${join(f.root, 'no-such-dir')} does not exist\nhint: check -p/--profile and --coordinator-profile-path\n`),
  },
  {
    name: 'disnix-env: --rollback without a deployment',
    tool: 'disnix-env',
    args: (f) => [...profileDir(f), '--rollback'],
    message: () => coordinator('Unable to roll back as there are no known previous deployments!'),
  },
  {
    name: 'disnix-query: an unknown --format',
    tool: 'disnix-query',
    args: () => ['-f', 'yaml', 'infrastructure.nix'],
    message: () => optionMessage('-f, --format <format>', 'yaml', 'Allowed choices are services, containers, nix, xml, json.'),
  },
  {
    name: 'disnix-visualize: an unknown --format',
    tool: 'disnix-visualize',
    args: () => ['-f', 'pdf'],
    message: () => optionMessage('-f, --format <format>', 'pdf', 'Allowed choices are dot, svg, png.'),
  },
  {
    name: 'disnix-manifest: models that do not combine',
    tool: 'disnix-manifest',
    args: () => ['-A', 'architecture.nix', '-d', 'distribution.nix'],
    message: () => coordinator('An unknown combination of models were provided! (-d/--distribution cannot be combined with an architecture model (-A))\n'),
  },
  {
    name: 'disnix-env: services without infrastructure',
    tool: 'disnix-env',
    args: () => ['-s', 'services.nix', '-d', 'distribution.nix'],
    message: () => coordinator('ERROR: An infrastructure expression must be specified!\n'),
  },
  {
    name: 'dysnomia: an operation with a typo',
    tool: 'dysnomia',
    args: (f) => ['--operation', 'deactivat', '--type', 'echo', '--component', f.models, '--environment'],
    message: () => starts('ERROR: Unknown operation: "deactivat" (did you mean deactivate?)'),
  },
  {
    name: 'disnix-run-activity: a type that leaves the modules path',
    tool: 'disnix-run-activity',
    args: (f) => ['--activate', '--type', '../../../../bin/sh', f.models],
    message: () => starts('ERROR: Invalid module type: "../../../../bin/sh": '),
  },
]

// ---------------------------------------------------------------------------------------------
// Snapshots

const snapshotCases: Case[] = [
  {
    name: 'dysnomia-snapshots --check on a snapshot whose contents changed',
    tool: 'dysnomia-snapshots',
    args: () => ['--query-latest', '--check'],
    env: (f) => ({ DYSNOMIA_STATEDIR: f.corruptStore }),
    stdout: () => 'db/testdb/snap1\n',
    message: () => /^Checksum mismatch detected for snapshot: db\/testdb\/snap1, we have: 'sha256:[0-9a-f]{64}', we expect: 'sha256:[0-9a-f]{64}'\n$/,
  },
  {
    name: 'disnix-copy-snapshots --to refuses a corrupt snapshot before sending it',
    tool: 'disnix-copy-snapshots',
    args: () => ['--to', '-t', 'test1', '-c', 'db', '-C', 'testdb'],
    env: (f) => ({ DYSNOMIA_STATEDIR: f.corruptStore }),
    message: () =>
      /^\[coordinator\]: The snapshot store holds a corrupt snapshot of component: testdb in container: db; refusing to restore it!\nChecksum mismatch detected for snapshot: db\/testdb\/snap1, we have: 'sha256:[0-9a-f]{64}', we expect: 'sha256:[0-9a-f]{64}'\nhint: the snapshot changed after it was stored; /,
  },
  {
    name: 'dysnomia-snapshots --resolve of a path that leaves the store',
    tool: 'dysnomia-snapshots',
    args: () => ['--resolve', 'db/../../../etc/passwd'],
    env: (f) => ({ DYSNOMIA_STATEDIR: f.corruptStore }),
    message: () => starts("Invalid relative snapshot path: 'db/../../../etc/passwd' (expected <container>/<component>/<id>)"),
  },
  {
    name: 'dysnomia-snapshots --print-missing of a path that is not <container>/<component>/<id>',
    tool: 'dysnomia-snapshots',
    args: () => ['--print-missing', 'testdb/snap1'],
    env: (f) => ({ DYSNOMIA_STATEDIR: f.corruptStore }),
    message: () => starts("Invalid relative snapshot path: 'testdb/snap1' (expected <container>/<component>/<id>)"),
  },
  {
    name: 'dysnomia-snapshots --import of a file instead of a snapshot directory',
    tool: 'dysnomia-snapshots',
    args: (f) => ['--import', '-C', 'db', '-c', 'testdb', join(f.models, 'manifests', 'empty.xml')],
    env: (f) => ({ DYSNOMIA_STATEDIR: f.corruptStore }),
    message: (f) => starts(`Snapshot: ${join(f.models, 'manifests', 'empty.xml')} is not a directory!`),
  },
  {
    name: 'dysnomia-snapshots --import without a container',
    tool: 'dysnomia-snapshots',
    args: (f) => ['--import', '-c', 'testdb', f.models],
    env: (f) => ({ DYSNOMIA_STATEDIR: f.corruptStore }),
    message: () => starts('ERROR: No container specified!'),
  },
  {
    name: 'dysnomia-snapshots --query-all on a store nobody may read',
    tool: 'dysnomia-snapshots',
    asNobody: true,
    args: () => ['--query-all'],
    env: (f) => ({ DYSNOMIA_STATEDIR: join(f.models, 'closed') }),
    message: (f) => starts(`Cannot read directory: ${join(f.models, 'closed', 'generations')}: permission denied`),
  },
]

const cases: Case[] = [...servicesCases, ...infrastructureCases, ...distributionCases, ...otherModelCases, ...extraParamsCases, ...manifestCases, ...optionCases, ...snapshotCases]

// ---------------------------------------------------------------------------------------------
// Running a case

/**
 * Every path below `dir` with its kind and mode, and for files and links their size, modification
 * time and target. (A directory's own time changes when a tool makes and removes a temporary file
 * in it; what it holds afterwards is in the list.)
 */
async function treeState(dir: string): Promise<string[]> {
  const lines: string[] = []
  const walk = async (path: string): Promise<void> => {
    const info = await lstat(path)
    const target = info.isSymbolicLink() ? ` -> ${await readlink(path)}` : ''
    lines.push(`${path} ${info.mode.toString(8)}${info.isDirectory() ? '' : ` ${info.size} ${info.mtimeMs}${target}`}`)
    if (info.isDirectory()) for (const name of (await readdir(path)).sort()) await walk(join(path, name))
  }
  await walk(dir)
  return lines
}

async function fixture(): Promise<Fixture> {
  const root = await suiteDir('disnix-bad-input-')
  await chmod(root, 0o755)
  const models = join(root, 'models')
  await cp(FIXTURES, models, { recursive: true })
  // The models import the shared package function of the fixtures.
  await cp(join(FIXTURES, '..', 'common'), join(root, 'common'), { recursive: true })
  await chmodTree(models)
  await chmod(join(models, 'services-model-unreadable', 'services.nix'), 0o600)
  await chmod(join(models, 'services-model-in-closed-directory', 'closed'), 0o700)
  await chmod(join(models, 'infrastructure-unreadable', 'infrastructure.nix'), 0o600)
  await chmod(join(models, 'distribution-unreadable', 'distribution.nix'), 0o600)
  await mkdir(join(models, 'closed', 'generations'), { recursive: true })
  await writeFile(join(models, 'closed', 'manifest.xml'), '<manifest version="2"/>\n')
  await chmod(join(models, 'closed'), 0o700)

  const bin = join(root, 'bin')
  const calls = join(root, 'interface-calls.log')
  await mkdir(bin)
  await writeFile(join(bin, 'bad-input-interface'), `#!/bin/sh\necho "$@" >> ${calls}\nexit 1\n`, { mode: 0o755 })

  const coordinatorDir = join(root, 'coordinator')
  await mkdir(coordinatorDir, { mode: 0o755 })
  const home = join(root, 'home')
  await mkdir(home, { mode: 0o777 })

  // A coordinator snapshot store holding one snapshot whose contents changed after it was stored.
  const corruptStore = join(root, 'corrupt-store')
  const payload = join(root, 'payload', 'snap1')
  await mkdir(payload, { recursive: true })
  await writeFile(join(payload, 'dump'), 'the stored state\n')
  const imported = await execa(join(installRoot(), 'bin', 'dysnomia-snapshots'), ['--import', '-C', 'db', '-c', 'testdb', payload], { env: { DYSNOMIA_STATEDIR: corruptStore }, reject: false })
  expect(imported.exitCode, imported.stderr).toBe(0)
  await writeFile(join(corruptStore, 'snapshots', 'db', 'testdb', 'snap1', 'dump'), 'changed afterwards\n')
  await chmodTree(corruptStore)
  return { root, models, calls, coordinator: coordinatorDir, corruptStore, home }
}

/** Directories 0755 and files 0644, so that nobody may read what a case does not close itself. */
async function chmodTree(dir: string): Promise<void> {
  await chmod(dir, 0o755)
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) await chmodTree(path)
    else if (entry.isFile()) await chmod(path, 0o644)
  }
}

const JS_STACK = /^\s+at (?:.+ \()?(?:file:\/\/|node:|\/\S+\.[cm]?js:\d+)/m
/** The first line of a report: the coordinator's, a target's, commander's or Dysnomia's. A second one means a second message. */
const REPORT_START = /^(?:\[coordinator\]: |\[target: [^\]]*\]: |error: |ERROR: )/

async function runCase(c: Case, f: Fixture, cwd: string) {
  const bin = join(installRoot(), 'bin', c.tool)
  const argv = c.asNobody ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', bin] : [bin]
  const result = await execa(argv[0] as string, [...argv.slice(1), ...c.args(f, cwd)], {
    env: {
      ...nixTestEnv(),
      PATH: `${join(f.root, 'bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      HOME: f.home,
      TMPDIR: join(cwd, 'tmp'),
      DISNIX_CLIENT_INTERFACE: 'bad-input-interface',
      DYSNOMIA_STATEDIR: join(cwd, 'dysnomia'),
      ...c.env?.(f),
    },
    extendEnv: false,
    cwd,
    stdin: 'ignore',
    reject: false,
    timeout: 120_000,
    stripFinalNewline: false,
  })
  return { stdout: String(result.stdout), stderr: String(result.stderr), exitCode: result.exitCode ?? -1 }
}

const RUN_SUMMARY = /^\[coordinator\]: (Failed|Interrupted) after \d/

describe('the bad-input corpus', () => {
  let f: Fixture
  const caseDirs = new Map<string, string>()

  beforeAll(async () => {
    f = await fixture()
    for (const [index, c] of cases.entries()) {
      const dir = join(f.root, 'cases', String(index))
      await mkdir(join(dir, 'tmp'), { recursive: true, mode: 0o777 })
      await chmod(dir, 0o777)
      await chmod(join(dir, 'tmp'), 0o777)
      caseDirs.set(c.name, dir)
    }
  })
  afterAll(async () => {
    if (f !== undefined) await rm(f.root, { recursive: true, force: true })
  })

  test('has at least 120 cases, each named once', () => {
    expect(cases.length).toBeGreaterThanOrEqual(120)
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length)
  })

  test.concurrent.for(cases.filter((c) => !c.asNobody || isRoot()).map((c) => [c.name, c] as const))('%s', async ([, c]) => {
    const cwd = caseDirs.get(c.name) as string
    const shared = [f.models, f.coordinator, f.corruptStore, join(f.root, 'bin'), join(f.root, 'common')]
    const before = [...(await Promise.all(shared.map(treeState))).flat(), ...(await treeState(cwd))]
    const result = await runCase(c, f, cwd)

    expect(result.stderr, 'no stack trace').not.toMatch(JS_STACK)
    expect(result.stderr).not.toContain('internal error')
    // The run's closing summary line ("Failed after 1.1 s") is progress, not the message.
    const lines = result.stderr.split('\n').filter((line) => !RUN_SUMMARY.test(line))
    const progress = c.progress ?? []
    expect(lines.slice(0, progress.length), result.stderr).toEqual(progress)
    const report = lines.slice(progress.length).join('\n')
    expect(report, 'the message').toMatch(c.message(f, cwd))
    expect(report.split('\n').slice(1).filter((line) => REPORT_START.test(line)), `one message:\n${report}`).toEqual([])
    expect(result.exitCode, result.stderr).toBe(c.status ?? 1)
    expect(result.stdout).toBe(c.stdout?.(f) ?? '')

    // Nothing changed: no file of the case, the models, the coordinator profile or the snapshot
    // store, and no call of the client interface (that is, nothing reached a target).
    await expect(access(f.calls, constants.F_OK)).rejects.toThrow(/ENOENT/)
    expect([...(await Promise.all(shared.map(treeState))).flat(), ...(await treeState(cwd))]).toEqual(before)
  })
})

// ---------------------------------------------------------------------------------------------
// Cases that would reach a real target if they were not refused: the target's store, profiles,
// state and temporary files must be exactly as before.

interface TargetCase {
  name: string
  tool: string
  args: (dir: string, work: string) => string[]
  env?: Record<string, string>
  progress?: readonly string[]
  message: (dir: string, work: string) => RegExp
}

const targetCases: TargetCase[] = [
  {
    name: 'disnix-env -p with a path in the profile name',
    tool: 'disnix-env',
    args: (dir) => onTargetModels(dir, 'distribution.nix', 'services.nix', ['-p', '../../x']),
    message: () => optionMessage('-p, --profile <name>', '../../x', PROFILE_EXPECTED),
  },
  {
    name: 'disnix-env with DISNIX_PROFILE naming another directory',
    tool: 'disnix-env',
    args: (dir) => onTargetModels(dir, 'distribution.nix', 'services.nix', []),
    env: { DISNIX_PROFILE: '../default' },
    message: () => starts(`error: option '-p, --profile <name>' value '../default' from env 'DISNIX_PROFILE' is invalid. ${PROFILE_EXPECTED}`),
  },
  {
    name: 'disnix-env with a container name that leaves the containers directory',
    tool: 'disnix-env',
    args: (dir) => onTargetModels(dir, 'distribution-container-escapes.nix', 'services.nix', []),
    progress: ['[coordinator]: Building manifest...'],
    message: (dir) => coordinator(`distribution model ${join(dir, 'distribution-container-escapes.nix')}: service 'greeter': container "../../../etc" is not a valid name: ${NAME_RULE}`),
  },
  {
    name: 'disnix-env --build-on-targets with a service name holding a shell command',
    tool: 'disnix-env',
    args: (dir) => onTargetModels(dir, 'distribution.nix', 'services-name-with-semicolon.nix', ['--build-on-targets']),
    progress: ['[coordinator]: Instantiating store derivations...'],
    message: (dir) => coordinator(`services model ${join(dir, 'services-name-with-semicolon.nix')}: service "cleanup;rm -rf /" is not a valid name: ${NAME_RULE}`),
  },
  {
    name: 'disnix-deploy of a manifest edited to map a service to the container "../../etc"',
    tool: 'disnix-deploy',
    args: (_dir, work) => [join(work, 'edited-manifest.xml')],
    message: (_dir, work) => coordinator(`The manifest: ${join(work, 'edited-manifest.xml')} is invalid:\nService mapping: 0: container "../../etc" is not a valid name: ${NAME_RULE}\n`),
  },
  {
    // disnix-ssh-client forwards -p as given; the target's disnix-run-activity refuses it.
    name: 'disnix-ssh-client -p with a path in the profile name, refused by the target',
    tool: 'disnix-ssh-client',
    args: () => ['--target', 'test1', '--lock', '-p', '../../x'],
    // The target checks it with the protocol's profile field (libinterface checkProfile).
    message: () => starts('ERROR: Invalid profile name: "../../x"\n'),
  },
  {
    name: 'disnix-copy-closure --to of a path outside the Nix store',
    tool: 'disnix-copy-closure',
    args: (_dir, work) => ['--to', '-t', 'test1', join(work, 'edited-manifest.xml')],
    message: (_dir, work) =>
      starts(`[target: test1]: cannot copy the closure of ${join(work, 'edited-manifest.xml')}: path '${join(work, 'edited-manifest.xml')}' is not in the Nix store\nhint: give paths of the Nix store that exist on this machine\n`),
  },
]

function onTargetModels(dir: string, distribution: string, services: string, extra: readonly string[]): string[] {
  return ['-s', join(dir, services), '-i', join(dir, 'infrastructure.nix'), '-d', join(dir, distribution), ...extra]
}

/** What a target holds that a deployment would change: its store, profiles, Dysnomia state and /tmp. */
async function targetState(net: Testnet): Promise<string[]> {
  const root = net.targets[0]!.root
  const paths = ['nix/store', 'nix/var/nix/profiles', 'var/state', 'tmp']
  const states = await Promise.all(paths.map((path) => treeState(join(root, path)).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? [] : Promise.reject(error)))))
  return states.flat()
}

const support = await testnetAvailable()

describe.runIf(runsHere(support, 'a test network'))('the bad-input corpus against a real target', () => {
  let net: Testnet
  let work: string
  let coordinatorDir: string
  const dir = join(FIXTURES, 'on-target')
  const env = () => ({ ...nixTestEnv(), SSH_OPTS: net.sshOpts, PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: work, TMPDIR: work })

  beforeAll(async () => {
    net = await startTestnet({ targets: ['test1'] })
    work = await suiteDir('disnix-bad-input-target-')
    coordinatorDir = join(work, 'coordinator')
    await mkdir(coordinatorDir)
    // A manifest that disnix-manifest built for the target, then edited by hand.
    const built = await execa(join(installRoot(), 'bin', 'disnix-manifest'), [...onTargetModels(dir, 'distribution.nix', 'services.nix', []), '--no-out-link'], { env: env(), reject: false })
    expect(built.exitCode, built.stderr).toBe(0)
    const text = await readFile(built.stdout.trim(), 'utf8')
    await writeFile(join(work, 'edited-manifest.xml'), text.replace('<container>echo</container>', '<container>../../etc</container>'))
  })
  afterAll(async () => {
    await net?.down()
    if (work !== undefined) await rm(work, { recursive: true, force: true })
  })

  test.for(targetCases.map((c) => [c.name, c] as const))('%s', async ([, c]) => {
    const before = await targetState(net)
    const coordinatorBefore = await treeState(coordinatorDir)
    const hasProfileOption = c.tool !== 'disnix-copy-closure' && c.tool !== 'disnix-ssh-client'
    const result = await execa(join(installRoot(), 'bin', c.tool), [...c.args(dir, work), ...(hasProfileOption ? ['--coordinator-profile-path', coordinatorDir] : [])], {
      env: { ...env(), ...c.env },
      extendEnv: false,
      stdin: 'ignore',
      reject: false,
      timeout: 120_000,
      stripFinalNewline: false,
    })
    const stderr = String(result.stderr)
    expect(stderr).not.toMatch(JS_STACK)
    expect(stderr).not.toContain('internal error')
    const lines = stderr.split('\n')
    const progress = c.progress ?? []
    expect(lines.slice(0, progress.length), stderr).toEqual(progress)
    const report = lines.slice(progress.length).join('\n')
    expect(report).toMatch(c.message(dir, work))
    expect(report.split('\n').slice(1).filter((line) => REPORT_START.test(line)), report).toEqual([])
    expect(result.exitCode, stderr).toBe(1)
    expect(String(result.stdout)).toBe('')
    expect(await targetState(net)).toEqual(before)
    expect(await treeState(coordinatorDir)).toEqual(coordinatorBefore)
  })
})
