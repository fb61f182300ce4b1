using Nanogate.Cli;

return await CliApp.RunAsync(args, CliEnvironment.FromProcess(), CancellationToken.None);
