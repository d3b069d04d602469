/**
 * Editor-free core for deployment files (Compose, Kubernetes, kustomize,
 * Helm values, env files, systemd, shell, PowerShell, Dockerfile,
 * Terraform, Jinja, JSON): kinds, credential findings, "Add Token to
 * Deployment…" planning, version advice and the references rotate follows.
 * See README.md "Deploying agents". No `vscode` import.
 */
export * from './kinds';
export * from './version';
export * from './scan';
export * from './plan';
export * from './references';
export * from './fixes';
export * from './configSource';
export * from './entrypoint';
export * from './writtenEnvFiles';
export { yamlParsesStrictly, yamlProblem } from './yamlModel';
export * from './secretManifest';
