using Microsoft.AspNetCore.Http;
using Nanogate.Tasks;

namespace Nanogate.Tests.Tasks;

public sealed class PreferWaitTests
{
    private static TimeSpan? Parse(params string[] values)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers["Prefer"] = values;
        return TasksEndpoints.PreferredWait(context.Request);
    }

    [Theory]
    [InlineData("wait", 60)]
    [InlineData("wait=5", 5)]
    [InlineData("WAIT=10", 10)]
    [InlineData("wait=120", 60)]
    [InlineData("respond-async, wait=7", 7)]
    [InlineData("handling=lenient; wait=3", 3)]
    public void Wait_preferences_are_honoured_up_to_60_seconds(string header, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Parse(header));

    [Theory]
    [InlineData("respond-async")]
    [InlineData("wait=0")]
    [InlineData("wait=soon")]
    [InlineData("")]
    public void Other_preferences_do_not_hold_the_request(string header) => Assert.Null(Parse(header));

    [Fact]
    public void No_header_does_not_hold_the_request() => Assert.Null(TasksEndpoints.PreferredWait(new DefaultHttpContext().Request));
}
