// The sql.js module as core/sqlite-engine.ts loads it (dynamic import); its types are ours
// (core/sql-js-types.ts), so nothing published refers to this untyped module.
declare module 'sql.js' {
  const initSqlJs: (
    options?: import('./sql-js-types.js').InitOptions,
  ) => Promise<import('./sql-js-types.js').SqlJsStatic>;
  export default initSqlJs;
}
