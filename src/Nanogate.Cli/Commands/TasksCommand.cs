using System.CommandLine;
using Nanogate.Client;
using Spectre.Console;

namespace Nanogate.Cli.Commands;

/// <summary><c>nanogate tasks [--status S] [--limit N]</c>: the latest tasks, newest first.</summary>
internal static class TasksCommand
{
    private static readonly string[] Statuses =
    [
        NanogateTaskStatus.Pending, NanogateTaskStatus.Running, NanogateTaskStatus.Succeeded,
        NanogateTaskStatus.PartiallySucceeded, NanogateTaskStatus.Failed, NanogateTaskStatus.Canceled,
    ];

    public static Command Create(CommandContext context)
    {
        var status = new Option<string?>("--status") { Description = "Only tasks with this status" };
        status.AcceptOnlyFromAmong(Statuses);
        var limit = new Option<int>("--limit") { Description = "How many (1 to 100)", DefaultValueFactory = _ => 20 };
        var command = new Command("tasks", "List your latest tasks, newest first") { status, limit };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var n = parse.GetValue(limit);
            if (n is < 1 or > 100)
            {
                throw new CliException(ExitCodes.Usage, $"--limit must be 1 to 100, not {n}.");
            }

            using var client = context.Client(parse);
            var list = await client.ListTasksAsync(new TaskListQuery { Status = parse.GetValue(status), Limit = n }, cancellationToken);
            if (context.Json(parse))
            {
                await context.WriteJsonAsync(list, CliJsonContext.Default.TaskList);
                return ExitCodes.Ok;
            }

            if (list.Data.Count == 0)
            {
                await context.Env.Out.WriteLineAsync("No tasks.");
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumn(new TableColumn("task").NoWrap()).AddColumns("status", "model", "images", "created", "prompt");
            foreach (var task in list.Data)
            {
                var prompt = task.Request?.Prompt ?? "";
                table.AddRow(
                    Markup.Escape(task.TaskId),
                    Markup.Escape(task.Status),
                    Markup.Escape(task.Model ?? ""),
                    $"{task.Images.Count(i => i.Status == NanogateTaskStatus.Succeeded)}/{task.Images.Count}",
                    Markup.Escape(task.CreatedAt?.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) ?? ""),
                    Markup.Escape(prompt.Length > 40 ? prompt[..40] + "…" : prompt));
            }

            context.Out().Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }
}
