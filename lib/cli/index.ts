export { main, runCli } from './explain';
