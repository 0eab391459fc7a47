using JwtMvc.Core.Auth;
using JwtMvc.Tests.Support;
using Moq;

namespace JwtMvc.Tests.Unit.Auth;

/// <summary>
/// The per-request session check: a cache hit answers without the request's services, a miss goes through them. What
/// the cache remembers and for how long: <see cref="SessionServiceTests"/>, over the same cache.
/// </summary>
public sealed class SessionCheckTests
{
    private TokenServiceBuilder builder = null!;
    private Session session = null!;
    private Mock<IServiceProvider> requestServices = null!;
    private SessionCheck check = null!;

    [SetUp]
    public void SetUp()
    {
        builder = new TokenServiceBuilder();
        session = builder.StubActiveSession();
        requestServices = new Mock<IServiceProvider>(MockBehavior.Strict);
        requestServices.Setup(p => p.GetService(typeof(SessionService))).Returns(() => builder.BuildSessions());
        check = new SessionCheck(builder.Cache, builder.Clock);
    }

    [Test]
    public async Task A_miss_reads_the_store_through_the_requests_session_service_and_a_hit_resolves_nothing()
    {
        var first = await check.IsActiveAsync(session.Id, session.UserId, requestServices.Object, CancellationToken.None);
        var second = await check.IsActiveAsync(session.Id, session.UserId, requestServices.Object, CancellationToken.None);

        Assert.That(first, Is.True, "the first check reads the active session from the store");
        Assert.That(second, Is.True, "the second check answers active from the cache");
        requestServices.Verify(p => p.GetService(typeof(SessionService)), Times.Once, "only the miss builds the scoped SessionService");
        builder.Store.Verify(s => s.FindSessionAsync(session.Id, It.IsAny<CancellationToken>()), Times.Once, "the second check is a cache hit");
    }

    [Test]
    public async Task A_cached_session_of_another_user_is_refused_without_the_store()
    {
        await check.IsActiveAsync(session.Id, session.UserId, requestServices.Object, CancellationToken.None);

        var forMallory = await check.IsActiveAsync(session.Id, "mallory-id", requestServices.Object, CancellationToken.None);

        Assert.That(forMallory, Is.False, "the cached entry remembers its owner, as SessionService's own check does");
        requestServices.Verify(p => p.GetService(typeof(SessionService)), Times.Once);
    }

    [Test]
    public async Task A_revocation_on_this_instance_takes_effect_on_the_next_check()
    {
        builder.Store.Setup(s => s.RevokeSessionAsync(session.Id, It.IsAny<DateTimeOffset>(), SessionRevocationReasons.Logout, It.IsAny<CancellationToken>()))
            .Callback(() => session.RevokedAt = builder.Clock.GetUtcNow())
            .ReturnsAsync(true);
        await check.IsActiveAsync(session.Id, session.UserId, requestServices.Object, CancellationToken.None);

        await builder.BuildSessions().RevokeAsync(session.Id, SessionRevocationReasons.Logout);
        var afterLogout = await check.IsActiveAsync(session.Id, session.UserId, requestServices.Object, CancellationToken.None);

        Assert.That(afterLogout, Is.False, "the revocation evicted the entry, so the check reads the revoked session");
        builder.Store.Verify(s => s.FindSessionAsync(session.Id, It.IsAny<CancellationToken>()), Times.Exactly(2));
    }
}
