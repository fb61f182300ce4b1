using System.Security.Cryptography;
using System.Text;
using Nanogate.Webhooks;

namespace Nanogate.Tests.Webhooks;

public sealed class StandardWebhookSignerTests
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string MsgId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long Timestamp = 1614265330;
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"test\": 2432232314}");

    [Fact]
    public void Signs_the_Standard_Webhooks_known_answer_vector() =>
        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", StandardWebhookSigner.Sign(Secret, MsgId, Timestamp, Body));

    [Fact]
    public void Matches_an_independent_HMAC_over_id_timestamp_and_body()
    {
        var key = Convert.FromBase64String(Secret["whsec_".Length..]);
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{MsgId}.{Timestamp}.{{\"test\": 2432232314}}")));
        Assert.Equal(expected, StandardWebhookSigner.Sign(Secret, MsgId, Timestamp, Body));
    }

    [Fact]
    public void Any_change_to_id_timestamp_or_body_changes_the_signature()
    {
        var original = StandardWebhookSigner.Sign(Secret, MsgId, Timestamp, Body);
        Assert.NotEqual(original, StandardWebhookSigner.Sign(Secret, MsgId + "x", Timestamp, Body));
        Assert.NotEqual(original, StandardWebhookSigner.Sign(Secret, MsgId, Timestamp + 1, Body));
        Assert.NotEqual(original, StandardWebhookSigner.Sign(Secret, MsgId, Timestamp, Encoding.UTF8.GetBytes("{\"test\": 2432232315}")));
    }

    [Fact]
    public void A_secret_that_is_not_base64_is_rejected() =>
        Assert.Throws<FormatException>(() => StandardWebhookSigner.Sign("whsec_not base64!", MsgId, Timestamp, Body));
}
