using EdgeJobs.Coordinator.Host.Cli;
using EdgeJobs.Hosting.CommandLine;
using EdgeJobs.Protocol;

// The edgejobs binary: a command line over EdgeJobs.Server (the servers) and REST API v1 (the clients).
return await CommandLineApp.RunAsync(EdgeJobsCommand.Create(), "edgejobs", BuildInfo.Version, args).ConfigureAwait(false);
