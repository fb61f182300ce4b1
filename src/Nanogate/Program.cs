using Nanogate;

var app = NanogateApp.Build(args);
await app.RunAsync();
