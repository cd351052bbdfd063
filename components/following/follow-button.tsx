"use client";
/** Follow / Unfollow toggle. Errors (limit reached, already following) are shown next to the button. */
import { useRouter } from "next/navigation";
import { useMutation } from "@tanstack/react-query";
import { useTranslations } from "use-intl";
import { useTRPC } from "@/components/trpc";

export function FollowButton(props: { businessId: string; businessName: string; following: boolean }) {
  const trpc = useTRPC();
  const t = useTranslations("following");
  const router = useRouter();
  const onSuccess = () => router.refresh();
  const follow = useMutation(trpc.following.follow.mutationOptions({ onSuccess }));
  const unfollow = useMutation(trpc.following.unfollow.mutationOptions({ onSuccess }));
  const pending = follow.isPending || unfollow.isPending;
  const error = follow.error ?? unfollow.error;
  return (
    <div className="flex flex-wrap items-center gap-2">
      <button
        type="button"
        disabled={pending}
        aria-pressed={props.following}
        aria-label={t(props.following ? "unfollowLabel" : "followLabel", { business: props.businessName })}
        onClick={() => (props.following ? unfollow : follow).mutate({ businessId: props.businessId })}
        className={
          props.following
            ? "rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-60"
            : "rounded-md bg-brand-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-800 disabled:opacity-60"
        }
      >
        {pending ? t("saving") : props.following ? t("isFollowing") : t("follow")}
      </button>
      {error ? <p role="alert" className="text-sm text-rose-700">{error.message}</p> : null}
    </div>
  );
}
