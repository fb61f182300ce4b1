using System.CommandLine;
using System.Text.RegularExpressions;
using Nanogate.Client;
using Spectre.Console;

namespace Nanogate.Cli.Commands;

/// <summary><c>nanogate generate "a red kite" --model nano-banana-2-lite --ratio 16:9 -n 2 -o ./out [--ref image.png]</c>.</summary>
internal static partial class GenerateCommand
{
    public static Command Create(CommandContext context)
    {
        var prompt = new Argument<string>("prompt") { Description = "What to draw (with --ref: how to change the reference images)" };
        var model = new Option<string?>("--model", "-m") { Description = "A model id or alias (default: the config file's model, else nano-banana-2-lite)" };
        var ratio = new Option<string?>("--ratio", "-r") { Description = "Aspect ratio such as 16:9 (one the model has: see 'nanogate models')" };
        var size = new Option<string?>("--size") { Description = "auto, a ratio W:H or pixels WxH (mapped to the nearest ratio)" };
        var resolution = new Option<string?>("--resolution") { Description = "512, 1K, 2K or 4K (a tier the model lacks is downgraded)" };
        var count = new Option<int>("--count", "-n") { Description = "How many images, 1 to 4", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--output", "-o") { Description = "The folder to save the images in (created if missing)", DefaultValueFactory = _ => "." };
        var references = new Option<string[]>("--ref") { Description = "A reference image to edit (PNG, JPEG or WebP file, or an http(s) URL); repeat for several", AllowMultipleArgumentsPerToken = false };
        var command = new Command("generate", "Make images from a prompt (and reference images), wait for them and save them")
        {
            prompt, model, ratio, size, resolution, count, output, references,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = context.Settings(parse);
            var n = parse.GetValue(count);
            if (n is < 1 or > 4)
            {
                throw new CliException(ExitCodes.Usage, $"-n must be 1 to 4, not {n}.");
            }

            var request = new ImageTaskRequest
            {
                Model = parse.GetValue(model) ?? settings.DefaultModel ?? NanogateImageGenerator.DefaultModelId,
                Prompt = parse.GetValue(prompt)!,
                AspectRatio = parse.GetValue(ratio),
                Size = parse.GetValue(size),
                Resolution = parse.GetValue(resolution),
                N = n,
            };
            if (request.AspectRatio is { } r && !RatioPattern().IsMatch(r))
            {
                throw new CliException(ExitCodes.Usage, $"--ratio '{r}' is not a ratio such as 16:9.");
            }

            using var client = context.Client(parse);
            await CheckAgainstCatalogAsync(client, request, cancellationToken);
            var refs = parse.GetValue(references) ?? [];
            if (refs.Length > 0)
            {
                request.ImageUrls = [.. await Task.WhenAll(refs.Select(path => ReferenceAsync(path, cancellationToken)))];
            }

            var json = context.Json(parse);
            var task = json || !context.Env.Interactive
                ? await client.GenerateAsync(request, progress: json ? null : new PlainProgress(context.Env.Error), cancellationToken: cancellationToken)
                : await GenerateWithLiveProgressAsync(context, client, request, cancellationToken);

            var folder = parse.GetValue(output)!;
            Directory.CreateDirectory(folder);
            var files = new List<string>();
            foreach (var image in task.SucceededImages)
            {
                var path = Path.Combine(folder, $"{task.TaskId}-{image.Index}{Extension(image.MimeType)}");
                await client.SaveImageAsync(image, path, cancellationToken);
                files.Add(path);
            }

            if (json)
            {
                await context.WriteJsonAsync(new GenerateResult { Task = task, Files = files }, CliJsonContext.Default.GenerateResult);
            }
            else
            {
                foreach (var warning in task.Warnings)
                {
                    await context.Env.Error.WriteLineAsync("warning: " + warning);
                }

                foreach (var (file, image) in files.Zip(task.SucceededImages))
                {
                    await context.Env.Out.WriteLineAsync($"{file} ({image.Width}x{image.Height}, {image.MimeType})");
                }

                await context.Env.Error.WriteLineAsync($"{task.TaskId}: {task.Status}, {files.Count} of {task.Images.Count} image(s), {task.Credits?.Charged ?? 0} credits charged");
            }

            if (task.Status != NanogateTaskStatus.Succeeded)
            {
                var failure = task.Error?.Message ?? task.Images.FirstOrDefault(i => i.Error is not null)?.Error?.Message ?? "no image was made";
                throw new CliException(ExitCodes.GenerationFailed, $"Task {task.TaskId} {task.Status}: {failure}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>
    /// A ratio or model the catalog lacks is refused here, in one line, before anything is held: the server itself maps an
    /// unsupported ratio to the nearest one with a warning, which at a terminal reads as a silently wrong picture.
    /// </summary>
    private static async Task CheckAgainstCatalogAsync(NanogateClient client, ImageTaskRequest request, CancellationToken cancellationToken)
    {
        ModelList catalog;
        try
        {
            catalog = await client.ListModelsAsync(cancellationToken);
        }
        catch (NanogateException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return; // A platform without a catalog: the server decides.
        }

        var model = catalog.Find(request.Model) ?? throw new CliException(
            ExitCodes.Usage, $"Unknown model '{request.Model}'. Models: {string.Join(", ", catalog.Data.Select(m => m.Aliases.FirstOrDefault(a => !a.Contains('/', StringComparison.Ordinal)) ?? m.Id))} (see 'nanogate models').");
        if (request.AspectRatio is { } ratio && model.AspectRatios.Count > 0 && !model.AspectRatios.Contains(ratio))
        {
            throw new CliException(ExitCodes.Usage, $"{model.DisplayName ?? model.Id} has no {ratio} ratio; it has {string.Join(", ", model.AspectRatios)}.");
        }
    }

    private static async Task<string> ReferenceAsync(string reference, CancellationToken cancellationToken)
    {
        if (reference.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || reference.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
            || reference.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            return reference;
        }

        if (!File.Exists(reference))
        {
            throw new CliException(ExitCodes.Usage, $"--ref {reference}: no such file.");
        }

        try
        {
            return await ImageReference.FromFileAsync(reference, cancellationToken);
        }
        catch (ArgumentException)
        {
            throw new CliException(ExitCodes.Usage, $"--ref {reference}: not a PNG, JPEG or WebP image.");
        }
    }

    private static async Task<NanogateTask> GenerateWithLiveProgressAsync(CommandContext context, NanogateClient client, ImageTaskRequest request, CancellationToken cancellationToken)
    {
        NanogateTask? result = null;
        await context.Error().Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new SpinnerColumn(), new ElapsedTimeColumn())
            .StartAsync(async live =>
            {
                var bars = Enumerable.Range(0, request.N ?? 1).Select(i => live.AddTask($"image {i + 1}: submitting", maxValue: 3)).ToList();
                var progress = new SyncProgress<NanogateTask>(task =>
                {
                    foreach (var image in task.Images)
                    {
                        if (image.Index < bars.Count)
                        {
                            var bar = bars[image.Index];
                            bar.Description = $"image {image.Index + 1}: {image.Status.Replace('_', ' ')}";
                            bar.Value = image.Status switch { NanogateTaskStatus.Pending => 1, NanogateTaskStatus.Running => 2, _ => 3 };
                        }
                    }

                    if (task.Images.Count == 0)
                    {
                        bars.ForEach(b => { b.Description = $"{b.Description.Split(':')[0]}: {task.Status}"; b.Value = 1; });
                    }
                });
                // Polling rather than Prefer: wait, so each image's pending → running → succeeded shows as it happens.
                var wait = new TaskWaitOptions
                {
                    PreferWaitSeconds = 0,
                    InitialPollInterval = TimeSpan.FromMilliseconds(250),
                    MaxPollInterval = TimeSpan.FromSeconds(1),
                    Timeout = client.Options.Wait.Timeout,
                };
                result = await client.GenerateAsync(request, wait, progress, cancellationToken: cancellationToken);
                progress.Report(result);
                bars.ForEach(b => b.StopTask());
            });
        return result!;
    }

    private static string Extension(string? mimeType) => mimeType switch
    {
        "image/jpeg" => ".jpg",
        "image/webp" => ".webp",
        _ => ".png",
    };

    [GeneratedRegex(@"^\d+:\d+$")]
    private static partial Regex RatioPattern();

    /// <summary>Progress lines for logs and pipes: one line each time the task's state changes.</summary>
    private sealed class PlainProgress(TextWriter writer) : IProgress<NanogateTask>
    {
        private string? _last;

        public void Report(NanogateTask value)
        {
            var done = value.Images.Count(i => NanogateTaskStatus.IsFinal(i.Status));
            var line = $"{value.TaskId}: {value.Status} ({done}/{(value.Images.Count > 0 ? value.Images.Count : value.N ?? 1)} images done)";
            if (line != _last)
            {
                writer.WriteLine(line);
                _last = line;
            }
        }
    }
}
