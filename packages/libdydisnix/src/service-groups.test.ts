import { describe, expect, test } from 'vitest'
import { groupView, serviceGroupsOf } from './service-groups.js'
import { servicesTable } from './testing.js'
import { servicesDot } from './visualize-services.js'

// A portal that uses two groups: Homework (a database and a web front-end) and Literature/Search.
const services = servicesTable({
  usersdb: { type: 'mysql-database' },
  homeworkdb: { type: 'mysql-database', group: 'Homework' },
  homework: { type: 'apache-webapplication', group: 'Homework', dependsOn: ['usersdb', 'homeworkdb'] },
  search: { type: 'process', group: 'Literature/Search' },
  literature: { type: 'apache-webapplication', group: 'Literature', dependsOn: ['search'] },
  portal: { type: 'apache-webapplication', dependsOn: ['homework', 'literature'], connectsTo: ['search'] },
})
const summary = (nodes: ReturnType<typeof groupView>) => Object.fromEntries(nodes.map((n) => [n.name, { group: n.isGroup, inGroup: n.inGroup, dependsOn: n.dependsOn, connectsTo: n.connectsTo }]))

describe('service groups', () => {
  test('every group and its parents', () => {
    expect(serviceGroupsOf(services)).toEqual(['Homework', 'Literature', 'Literature/Search'])
  })

  test('the root with sub groups merged: one node per group, edges to a member point at its group', () => {
    expect(summary(groupView(services, { group: '', groupSubservices: true, context: true }))).toEqual({
      Homework: { group: true, inGroup: true, dependsOn: ['usersdb'], connectsTo: [] },
      Literature: { group: true, inGroup: true, dependsOn: [], connectsTo: [] },
      portal: { group: false, inGroup: true, dependsOn: ['Homework', 'Literature'], connectsTo: ['Literature'] },
      usersdb: { group: false, inGroup: true, dependsOn: [], connectsTo: [] },
    })
  })

  test('a group with its context: outside dependencies and dependants are shown, not inside ones of others', () => {
    expect(summary(groupView(services, { group: 'Homework', groupSubservices: true, context: true }))).toEqual({
      homework: { group: false, inGroup: true, dependsOn: ['usersdb', 'homeworkdb'], connectsTo: [] },
      homeworkdb: { group: false, inGroup: true, dependsOn: [], connectsTo: [] },
      portal: { group: false, inGroup: false, dependsOn: ['homework'], connectsTo: [] },
      usersdb: { group: false, inGroup: false, dependsOn: [], connectsTo: [] },
    })
  })

  test('the DOT picture: arrows for dependsOn, dashed for connectsTo and sub groups, grey context', () => {
    const dot = servicesDot(groupView(services, { group: '', groupSubservices: true, context: true }))
    expect(dot).toContain('"portal" -> "Homework"\n')
    expect(dot).toContain('"portal" -> "Literature" [ style = dashed ]')
    expect(dot).toContain('"Homework" [ label = "Homework", style = "filled,dashed" ]')
    expect(dot).toContain('"usersdb" [ label = "usersdb\\n(mysql-database)" ]')
    const context = servicesDot(groupView(services, { group: 'Homework', groupSubservices: true, context: true }))
    expect(context).toContain('"usersdb" [ label = "usersdb\\n(mysql-database)", fillcolor = grey90 ]')
  })
})
