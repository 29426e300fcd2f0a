// Tests use the same throwaway PostgreSQL as the demo and the benchmarks.
export * from '../../dev/embedded-postgres.js'
