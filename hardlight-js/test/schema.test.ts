// The schema text parser and the compatibility rule of schema evolution (evolution.md section 3).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Compatibility, parseSchema, typeText } from './runtime.js';

const SHOP =
  'service shop\n' +
  'state shop.State\n' +
  'method find(name:string):shop.Item throws shop.OutOfStock\n' +
  'method all():list<shop.Item>\n' +
  'method paint(shape:shop.Shape,color:shop.Color?):void requires painter\n' +
  'method index(m:map<string,list<int>?>,s:set<uuid>):map<long,bytes>\n' +
  'enum shop.Color{RED,GREEN,BLUE}\n' +
  'record shop.Item(name:string,count:int,color:shop.Color?)\n' +
  'sealed shop.Shape{shop.Shape.Circle,shop.Shape.Square}\n' +
  'record shop.Shape.Circle(radius:double)\n' +
  'record shop.Shape.Square(side:double)\n' +
  'record shop.State()\n';

test('the example of protocol.md 6.1 parses', () => {
  const s = parseSchema(SHOP);
  assert.equal(s.service, 'shop');
  assert.equal(s.state, 'shop.State');
  assert.equal(s.events, undefined);
  assert.deepEqual([...s.methods.keys()], ['find', 'all', 'paint', 'index']);
  const find = s.methods.get('find')!;
  assert.deepEqual(find.throws, ['shop.OutOfStock']);
  assert.equal(typeText(find.result), 'shop.Item');
  assert.equal(typeText(s.methods.get('all')!.result), 'list<shop.Item>');
  const index = s.methods.get('index')!;
  assert.deepEqual(index.params.map((p) => `${p.name}:${typeText(p.type)}`), ['m:map<string,list<int>?>', 's:set<uuid>']);
  assert.equal(typeText(index.result), 'map<long,bytes>');
  assert.deepEqual(s.methods.get('paint')!.params.map((p) => typeText(p.type)), ['shop.Shape', 'shop.Color?']);
  assert.deepEqual(s.types.get('shop.Color'), { kind: 'enum', items: ['RED', 'GREEN', 'BLUE'] });
  assert.deepEqual(s.types.get('shop.State'), { kind: 'record', components: [] });
  assert.throws(() => parseSchema('widget x\n'), /schema line 'widget x' is not understood/);
});

function diff(here: string, there: string, method: string): string | null {
  const a = parseSchema(here);
  const b = parseSchema(there);
  return new Compatibility(a, b).method(a.methods.get(method)!, b.methods.get(method)!);
}

test('compatible: equal, appended components, constants, subtypes, parameters and exceptions', () => {
  assert.equal(diff(SHOP, SHOP, 'find'), null);
  assert.equal(diff(SHOP, SHOP.replace('count:int,color:shop.Color?)', 'count:int,color:shop.Color?,tags:set<string>)'), 'find'), null);
  assert.equal(diff(SHOP, SHOP.replace('{RED,GREEN,BLUE}', '{RED,GREEN,BLUE,PINK}'), 'find'), null);
  assert.equal(diff(SHOP.replace('{RED,GREEN,BLUE}', '{RED,GREEN,BLUE,PINK}'), SHOP, 'find'), null);
  assert.equal(diff(SHOP, SHOP.replace('shop.Shape.Square}', 'shop.Shape.Square,shop.Shape.Dot}').replace('record shop.State()', 'record shop.Shape.Dot()\nrecord shop.State()'), 'paint'), null);
  assert.equal(diff(SHOP, SHOP.replace('method find(name:string)', 'method find(name:string,limit:int)'), 'find'), null);
  assert.equal(diff(SHOP, SHOP.replace('throws shop.OutOfStock', 'throws shop.OutOfStock,shop.Closed'), 'find'), null);
  assert.equal(diff(SHOP, SHOP.replace(' requires painter', ''), 'paint'), null, 'a feature gate is no contract change');
});

test('incompatible: the precise difference, named', () => {
  const cases: [string, string, string][] = [
    ['find', SHOP.replace('find(name:string)', 'find(id:long)'), "parameter 1 is 'name:string' here and 'id:long' there"],
    ['find', SHOP.replace('count:int,', 'count:long,'), "record shop.Item component 2 is 'count:int' here and 'count:long' there"],
    ['find', SHOP.replace('{RED,GREEN,BLUE}', '{RED,BLUE,GREEN}'), 'enum shop.Color constant 2 is GREEN here and BLUE there'],
    ['find', SHOP.replace('name:string):shop.Item', 'name:string):shop.Item?'), "result is 'shop.Item' here and 'shop.Item?' there"],
    ['find', SHOP.replace('throws shop.OutOfStock', 'throws shop.Closed'), 'declared exception 1 is shop.OutOfStock here and shop.Closed there'],
    ['all', SHOP.replace('all():list<shop.Item>', 'all():set<shop.Item>'), "result is 'list<shop.Item>' here and 'set<shop.Item>' there"],
    ['paint', SHOP.replace('{shop.Shape.Circle,shop.Shape.Square}', '{shop.Shape.Square,shop.Shape.Circle}'), 'sealed shop.Shape subtype 1 is shop.Shape.Circle here and shop.Shape.Square there'],
    ['paint', SHOP.replace('Circle(radius:double)', 'Circle(radius:float)'), "record shop.Shape.Circle component 1 is 'radius:double' here and 'radius:float' there"],
    ['paint', SHOP.replace('sealed shop.Shape{shop.Shape.Circle,shop.Shape.Square}', 'record shop.Shape(x:int)'), 'type shop.Shape is a sealed here and a record there'],
    ['index', SHOP.replace('m:map<string,list<int>?>', 'm:map<string,list<int>>'), "parameter 1 is 'm:map<string,list<int>?>' here and 'm:map<string,list<int>>' there"],
  ];
  for (const [method, there, detail] of cases) assert.equal(diff(SHOP, there, method), detail, there);
});

test('recursive types terminate', () => {
  const a = 'service t\nmethod f(n:t.Node):void\nrecord t.Node(next:t.Node?,v:int)\n';
  assert.equal(diff(a, a, 'f'), null);
  assert.equal(diff(a, a.replace('v:int', 'v:long'), 'f'), "record t.Node component 2 is 'v:int' here and 'v:long' there");
});

test('state and event roots', () => {
  const a = parseSchema(SHOP);
  const b = parseSchema(SHOP.replace('record shop.State()', 'record shop.State(n:int)'));
  assert.equal(new Compatibility(a, b).root(a.state!, b.state), null);
  const c = parseSchema(SHOP.replace('state shop.State', 'state shop.Other'));
  assert.equal(new Compatibility(a, c).root(a.state!, c.state), 'it is shop.State here and shop.Other there');
  const d = parseSchema(SHOP.replace('record shop.State()', 'enum shop.State{A}'));
  assert.equal(new Compatibility(a, d).root(a.state!, d.state), 'type shop.State is a record here and an enum there');
  assert.equal(new Compatibility(a, b).root(a.state!, undefined), "it differs from the server's: regenerate the client from the server's contract");
});
