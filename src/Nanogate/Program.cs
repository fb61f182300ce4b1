using Nanogate;
using Nanogate.Hosting;

// Commands run instead of the server (the only one so far; a command-line framework can take over when there are more).
if (args is [StorageCopyCommand.Name, .. var rest])
{
    return await StorageCopyCommand.RunFromConsoleAsync(rest);
}

var app = NanogateApp.Build(args);
await app.RunAsync();
return 0;
