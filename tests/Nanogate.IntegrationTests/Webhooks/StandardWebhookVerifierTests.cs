using System.Text;

namespace Nanogate.IntegrationTests.Webhooks;

public sealed class StandardWebhookVerifierTests
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string Id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const string Signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"test\": 2432232314}");
    private static readonly DateTimeOffset SentAt = DateTimeOffset.FromUnixTimeSeconds(1614265330);

    [Fact]
    public void Accepts_the_known_answer_vector() =>
        Assert.Null(StandardWebhookVerifier.Verify(Secret, Id, "1614265330", Signature, Body, SentAt));

    [Fact]
    public void Accepts_when_any_listed_signature_matches() =>
        Assert.Null(StandardWebhookVerifier.Verify(Secret, Id, "1614265330", "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= " + Signature, Body, SentAt));

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    public void Rejects_timestamps_outside_five_minutes(int skewSeconds) =>
        Assert.Equal("timestamp outside the tolerance", StandardWebhookVerifier.Verify(Secret, Id, "1614265330", Signature, Body, SentAt.AddSeconds(skewSeconds)));

    [Fact]
    public void Rejects_a_changed_body_id_or_scheme()
    {
        Assert.NotNull(StandardWebhookVerifier.Verify(Secret, Id, "1614265330", Signature, Encoding.UTF8.GetBytes("{\"test\": 2432232315}"), SentAt));
        Assert.NotNull(StandardWebhookVerifier.Verify(Secret, Id + "x", "1614265330", Signature, Body, SentAt));
        Assert.NotNull(StandardWebhookVerifier.Verify(Secret, Id, "1614265330", "v2" + Signature[2..], Body, SentAt));
    }
}
