using JwtMvc.Core.Email;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.Options;

namespace JwtMvc.Web.Email;

/// <summary>
/// Sends the outbox in the background, so no request waits for a mail server: at once when this instance
/// queues a mail, and every <see cref="PollInterval"/> for retries and other instances' mails.
/// </summary>
internal sealed partial class MailDeliveryService(
    IServiceScopeFactory scopes,
    MailQueueSignal signal,
    IOptions<EmailOptions> options,
    TimeProvider clock,
    ILogger<MailDeliveryService> logger)
    : BackgroundService
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var queued = signal.Next;
            try
            {
                int claimed;
                do
                {
                    await using var scope = scopes.CreateAsyncScope();
                    claimed = await scope.ServiceProvider.GetRequiredService<MailDelivery>().DeliverDueAsync(stoppingToken);
                }
                while (claimed == MailDelivery.BatchSize);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                Log.DeliveryFailed(logger, exception);
            }

            await Task.WhenAny(queued, Task.Delay(PollInterval, clock, stoppingToken));
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "Mail delivery failed; it runs again at the next poll")]
        public static partial void DeliveryFailed(ILogger logger, Exception exception);
    }
}

/// <summary>Marks an endpoint as an email feature: with <c>Email:Enabled</c> false it answers 404.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
internal sealed class RequiresEmailAttribute : Attribute, IResourceFilter
{
    public void OnResourceExecuting(ResourceExecutingContext context)
    {
        if (!context.HttpContext.RequestServices.GetRequiredService<IOptions<EmailOptions>>().Value.Enabled)
        {
            context.Result = new NotFoundResult();
        }
    }

    public void OnResourceExecuted(ResourceExecutedContext context)
    {
    }
}
