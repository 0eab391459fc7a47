using System.Reflection;
using System.Runtime.ExceptionServices;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Support;

public static class AfterCallExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TService"/> so that the request under way is aborted, as when its client goes away,
    /// right after <paramref name="method"/> completes: what it committed stays, and whatever the request does next sees
    /// its <c>RequestAborted</c> token cancelled. With <paramref name="when"/>, only while it holds.
    /// </summary>
    public static IServiceCollection AbortRequestAfter<TService, TImplementation>(this IServiceCollection services, string method, Func<bool>? when = null)
        where TService : class
        where TImplementation : class, TService =>
        services.AddHttpContextAccessor().RunAfter<TService, TImplementation>(method, provider =>
        {
            if (when?.Invoke() != false)
            {
                (provider.GetRequiredService<IHttpContextAccessor>().HttpContext ?? throw new InvalidOperationException("No request to abort.")).Abort();
            }

            return Task.CompletedTask;
        });

    /// <summary>False when the request ended without an answer (the app aborted it, as <see cref="AbortRequestAfter"/> makes it).</summary>
    public static async Task<bool> AnsweredAsync(this Task<HttpResponseMessage> request)
    {
        try
        {
            using var response = await request;
            return true;
        }
        catch (Exception aborted) when (aborted is HttpRequestException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Registers <typeparamref name="TService"/> so that <paramref name="after"/> runs each time <paramref name="method"/> (async) has completed.</summary>
    public static IServiceCollection RunAfter<TService, TImplementation>(this IServiceCollection services, string method, Func<IServiceProvider, Task> after)
        where TService : class
        where TImplementation : class, TService
    {
        if (!typeof(Task).IsAssignableFrom(typeof(TService).GetMethod(method)?.ReturnType))
        {
            throw new ArgumentException($"{typeof(TService).Name} has no async method {method}.", nameof(method));
        }

        return services.AddScoped(provider => AfterCallProxy<TService>.Wrap(
            ActivatorUtilities.CreateInstance<TImplementation>(provider), method, () => after(provider)));
    }
}

public class AfterCallProxy<TService> : DispatchProxy
    where TService : class
{
    private static readonly MethodInfo ThenWithResultMethod = typeof(AfterCallProxy<TService>).GetMethod(nameof(ThenWithResultAsync), BindingFlags.NonPublic | BindingFlags.Static)!;

    private TService inner = null!;
    private string method = null!;
    private Func<Task> after = null!;

    public static TService Wrap(TService inner, string method, Func<Task> after)
    {
        var proxy = Create<TService, AfterCallProxy<TService>>();
        var self = (AfterCallProxy<TService>)(object)proxy;
        (self.inner, self.method, self.after) = (inner, method, after);
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        object? result;
        try
        {
            result = targetMethod.Invoke(inner, args);
        }
        catch (TargetInvocationException wrapped) when (wrapped.InnerException is { } thrown)
        {
            ExceptionDispatchInfo.Capture(thrown).Throw();
            throw;
        }

        if (targetMethod.Name != method)
        {
            return result;
        }

        return targetMethod.ReturnType.IsGenericType
            ? ThenWithResultMethod.MakeGenericMethod(targetMethod.ReturnType.GetGenericArguments()[0]).Invoke(null, [result, after])
            : ThenAsync((Task)result!, after);
    }

    private static async Task ThenAsync(Task call, Func<Task> after)
    {
        await call;
        await after();
    }

    private static async Task<T> ThenWithResultAsync<T>(Task<T> call, Func<Task> after)
    {
        var result = await call;
        await after();
        return result;
    }
}
