using System.CommandLine;
using Spectre.Console;

namespace Nanogate.Cli.Commands;

/// <summary><c>nanogate models</c>: the catalog (names, ratios, sizes, credits per image).</summary>
internal static class ModelsCommand
{
    public static Command Create(CommandContext context)
    {
        var command = new Command("models", "List the models with their aliases, ratios, sizes and credits per image");
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var client = context.Client(parse, needsKey: false);
            var models = await client.ListModelsAsync(cancellationToken);
            if (context.Json(parse))
            {
                await context.WriteJsonAsync(models, CliJsonContext.Default.ModelList);
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumn(new TableColumn("model").NoWrap()).AddColumns("aliases", "sizes", "ratios", "credits/image");
            foreach (var model in models.Data)
            {
                table.AddRow(
                    Markup.Escape($"{model.Id}\n{model.DisplayName}"),
                    Markup.Escape(string.Join("\n", model.Aliases)),
                    Markup.Escape(string.Join(" ", model.Sizes)),
                    Markup.Escape(string.Join(" ", model.AspectRatios)),
                    Markup.Escape(string.Join(" ", (model.Pricing?.CreditsPerImage ?? new Dictionary<string, long>()).Select(p => $"{p.Key}:{p.Value}"))));
            }

            context.Out().Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }
}
