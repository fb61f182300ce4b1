using Microsoft.Extensions.Options;
using Nanogate.IntegrationTests.Infrastructure;

namespace Nanogate.IntegrationTests.Media;

/// <summary>Bad media settings stop the start with a message that names the key.</summary>
public sealed class MediaConfigurationTests
{
    [Theory]
    [InlineData("Media:Provider=ftp", "Media:Provider must be 'files' or 's3'")]
    [InlineData("Media:Provider=s3", "Media:Provider=s3 needs Media:S3:Bucket")]
    public async Task A_bad_setting_fails_the_start_naming_the_key(string setting, string expected)
    {
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => NanogateServer.StartAsync(setting));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_access_key_without_its_secret_fails_the_start()
    {
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            NanogateServer.StartAsync("Media:Provider=s3", "Media:S3:Bucket=b", "Media:S3:ServiceUrl=http://127.0.0.1:9", "Media:S3:AccessKey=k"));
        Assert.Contains("Media:S3:AccessKey and Media:S3:SecretKey go together", e.Message, StringComparison.Ordinal);
    }
}
