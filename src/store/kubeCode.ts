/**
 * Nothing, in the app: there the Kubernetes code loads on demand (ensureKube, at the doors that
 * load labs). The unit tests build cluster labs through the store synchronously, as headless code
 * always has, so vitest.config.ts points this module at that code (src/commands/kube/pack.ts).
 */
export {};
