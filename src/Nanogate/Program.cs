using Nanogate.Hosting.Commands;

// The server by default; operator commands (backup, reset-admin-key, accounts, …) by name. See --help.
return await ServerCommandLine.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
