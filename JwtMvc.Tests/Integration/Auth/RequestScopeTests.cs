using System.Net;
using JwtMvc.Core.Auth;
using JwtMvc.Data.Stores;
using JwtMvc.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Auth;

/// <summary>
/// GET /api/me on warm caches answers without building the scoped services over the pooled database context
/// (docs/PERFORMANCE.md, "Third session"), and the revocation still takes effect on the next request.
/// </summary>
public sealed class RequestScopeTests : AppFixture
{
    protected override JwtMvcFactory CreateFactory() => new CountingFactory();

    [Test]
    public async Task Me_on_warm_caches_builds_neither_the_session_service_nor_the_user_reader_and_logout_still_ends_it()
    {
        // Arrange: the first call fills the session and user caches.
        var factory = (CountingFactory)Factory;
        var bob = await factory.LoginAsync("bob");
        Assert.That((await bob.GetAsync("/api/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        factory.Reset();

        // Act
        var warm = await bob.GetAsync("/api/me");
        var warmAgain = await bob.GetAsync("/api/me");
        var (sessionServices, userReaders) = (factory.SessionServices, factory.UserReaders);
        Assert.That((await bob.LogoutAsync()).IsSuccessStatusCode, Is.True);
        var afterLogout = await bob.GetAsync("/api/me");

        // Assert
        Assert.That((warm.StatusCode, warmAgain.StatusCode), Is.EqualTo((HttpStatusCode.OK, HttpStatusCode.OK)));
        Assert.That(sessionServices, Is.Zero, "a session-cache hit answers without the scoped SessionService");
        Assert.That(userReaders, Is.Zero, "a user-cache hit answers without the scoped IUserReader");
        Assert.That(afterLogout.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "logout evicts the session: the next request is refused");
    }

    /// <summary>The app, counting how often a request scope builds the two services.</summary>
    private sealed class CountingFactory : JwtMvcFactory
    {
        private int sessionServices;
        private int userReaders;

        public int SessionServices => Volatile.Read(ref sessionServices);

        public int UserReaders => Volatile.Read(ref userReaders);

        public void Reset()
        {
            Interlocked.Exchange(ref sessionServices, 0);
            Interlocked.Exchange(ref userReaders, 0);
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services =>
            {
                services.AddScoped(provider =>
                {
                    Interlocked.Increment(ref sessionServices);
                    return ActivatorUtilities.CreateInstance<SessionService>(provider);
                });
                services.AddScoped<IUserReader>(provider =>
                {
                    Interlocked.Increment(ref userReaders);
                    return ActivatorUtilities.CreateInstance<UserReader>(provider);
                });
            });
        }
    }
}
